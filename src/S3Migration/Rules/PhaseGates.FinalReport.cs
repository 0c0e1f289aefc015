using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;

namespace S3Migration.Rules
{
    public static partial class PhaseGates
    {
        // ---- The final report's gate (New-MigrationFinalReport): is the migration Closed? ----

        /// <summary>
        /// Closed only when nothing of the old layout is unaccounted for. Every object the inventory saw (and every other
        /// source the journal, the newest integrity check or the cleanup names) must be verified in the new layout by the
        /// newest integrity check and deleted by the cleanup; anything else is a leftover, listed with why. A leftover
        /// blocks Closed unless the operator left it out of the copy by choice (integrity status Excluded) or accepted it
        /// explicitly (-AcceptLeftover). The backup must be complete, the cleanup must have run with a verified listing,
        /// and an inventory and an integrity check must exist, since without them nothing can be accounted for.
        /// </summary>
        public static ClosureVerdict FinalReportVerdict(ClosureFacts f)
        {
            var v = new ClosureVerdict();
            if (f.Inventory == null)
                v.Reasons.Add("there is no inventory in the workspace (inventory_checksums.csv, inventory_report.json), so what the old layout held cannot be accounted for");
            if (f.Integrity == null)
                v.Reasons.Add("no integrity check was run on this workspace (no verification_report.csv): run Test-MigrationIntegrity -WorkspacePath");
            if (!f.BackupRun) v.Reasons.Add("the old structure was not backed up (Backup-MigrationSource not run)");
            else
            {
                if (!f.BackupComplete) v.Reasons.Add("the backup is not complete");
                if (f.BackupFailed > 0) v.Reasons.Add(f.BackupFailed == 1 ? "1 object failed to back up" : $"{f.BackupFailed} objects failed to back up");
            }
            if (!f.CleanupRun) v.Reasons.Add("the old structure was not deleted (Remove-MigrationSource not run)");
            else
            {
                if (!f.CleanupListingVerified) v.Reasons.Add("the listing after the deletion was not verified");
                var logged = f.Cleanup.Values.Count(c => c.Deleted);
                if (f.CleanupSummaryDeleted > logged)
                    v.Reasons.Add($"deletion_summary.json counts {f.CleanupSummaryDeleted} deleted objects but deletion_log.csv records {logged}: the log does not prove what was deleted");
            }

            var inventory = (f.Inventory ?? Array.Empty<InventoriedObject>()).Where(o => !o.InNewLayout).GroupBy(o => o.Path, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
            var journal = f.Journal.GroupBy(c => c.OldPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
            var checkedRows = new Dictionary<string, IntegrityRow>(StringComparer.Ordinal);
            var newLayout = new HashSet<string>((f.Inventory ?? Array.Empty<InventoriedObject>()).Where(o => o.InNewLayout).Select(o => o.Path), StringComparer.Ordinal);
            foreach (var r in f.Integrity?.Rows ?? new List<IntegrityRow>())
            {
                if (r.OldPath.Length > 0) { checkedRows[r.OldPath] = r; continue; }
                // Found only at the destination: no copy of the migration put it there. NewUpload follows the naming rule (information).
                if (r.Status == nameof(IntegrityStatus.Unexpected))
                    v.Leftovers.Add(new Leftover { Path = r.NewPath, Kind = r.Status, Why = r.Reason });
            }

            // Every source path once, in a stable order: the inventory's, then those only the journal, the check or the cleanup name.
            var paths = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in inventory.Keys.Concat(journal.Keys).Concat(checkedRows.Keys).Concat(f.Cleanup.Keys))
                if (!newLayout.Contains(p) && seen.Add(p)) paths.Add(p);

            foreach (var path in paths)
            {
                inventory.TryGetValue(path, out var inv);
                journal.TryGetValue(path, out var copy);
                checkedRows.TryGetValue(path, out var row);
                f.Cleanup.TryGetValue(path, out var clean);
                var left = Closure.LeftoverOf(path, inv, copy, row, clean, f);
                if (left == null) v.Accounted++;
                else v.Leftovers.Add(left);
            }

            // The operator's acceptance: explicit, by path or pattern, and recorded with the pattern that matched.
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var l in v.Leftovers.Where(l => l.Standing == LeftoverStanding.Blocking))
            {
                var pattern = f.AcceptPatterns.FirstOrDefault(p => AcceptLeftoverMatches(l.Path, p));
                if (pattern == null) continue;
                l.Standing = LeftoverStanding.AcceptedByOperator;
                l.AcceptedBy = pattern;
                used.Add(pattern);
            }
            v.UnusedPatterns.AddRange(f.AcceptPatterns.Where(p => !used.Contains(p)).Distinct(StringComparer.Ordinal));

            var blocking = v.Leftovers.Where(l => l.Standing == LeftoverStanding.Blocking).ToList();
            if (blocking.Count > 0)
                v.Reasons.Add((blocking.Count == 1 ? "1 leftover is" : $"{blocking.Count} leftovers are") + " unaccounted for ("
                              + string.Join(", ", blocking.GroupBy(l => l.Kind).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                                  .Select(g => $"{g.Count()} {g.Key}"))
                              + "), each listed under Leftovers: resolve them, or accept them with -AcceptLeftover");
            v.Closed = v.Reasons.Count == 0;
            return v;
        }

        /// <summary>
        /// An -AcceptLeftover pattern against a leftover's s3://bucket/key path, or its key alone: '*' is any run of
        /// characters, '?' one character, everything else literal and case-sensitive (S3 keys are; '[' is common in them).
        /// </summary>
        public static bool AcceptLeftoverMatches(string path, string pattern)
        {
            if (Closure.Like(path, pattern)) return true;
            var slash = path.StartsWith("s3://", StringComparison.Ordinal) ? path.IndexOf('/', 5) : -1;
            return slash > 0 && Closure.Like(path.Substring(slash + 1), pattern);
        }

        /// <summary>The final report gate's helpers, kept apart so other gates in this class cannot collide with them.</summary>
        private static class Closure
        {
            /// <summary>Why one source of the old layout is not accounted for, or null when it is.</summary>
            internal static Leftover? LeftoverOf(string path, InventoriedObject? inv, JournaledCopy? copy, IntegrityRow? row, CleanupOutcome? clean, ClosureFacts f)
            {
                var deleted = clean?.Deleted == true;
                Leftover Left(string kind, string why) => new Leftover { Path = path, Kind = kind, Why = why };

                // An alarm of the newest integrity check always counts, even for a deleted source: its file may now be nowhere.
                // A deleted source is "gone" to a check that looked at the sources; that is the cleanup's doing, not an alarm.
                if (row != null && IsIntegrityAlarm(row.Status) && !(deleted && row.Status == nameof(IntegrityStatus.SourceChanged)))
                    return Left(row.Status, row.Reason + (deleted ? "; its source was deleted by the cleanup: restore it from the backup (RESTORE.md)" : ""));
                if (deleted) return null;
                if (row?.Status == nameof(IntegrityStatus.Excluded))
                    return new Leftover { Path = path, Kind = "excluded by choice", Why = row.Reason.Length > 0 ? row.Reason : "left out of the copy by the operator", Standing = LeftoverStanding.ExcludedByChoice };
                if (inv?.Status == nameof(MigrationItemStatus.Orphan)) return Left(OrphanKind(path, inv.OrphanReason), inv.Notes);

                var verified = row != null ? row.Status == nameof(IntegrityStatus.Verified) : f.Integrity == null && copy?.Migrated == true;
                if (verified)
                {
                    if (!f.CleanupRun) return null; // awaiting the cleanup, whose absence is a reason of its own
                    if (clean == null) return Left("not deleted", "verified in the new layout, but the cleanup did not decide it: run Remove-MigrationSource again");
                    var kind = clean.Status == "kept" ? "kept by the cleanup" : clean.Status == "failed" ? "deletion failed" : "deletion not settled";
                    return Left(kind, "verified in the new layout; " + (clean.Reason.Length > 0 ? clean.Reason : $"the cleanup's last record of it is '{clean.Status}'"));
                }
                if (copy != null && !copy.Migrated)
                    return Left(copy.Status == "conflict" ? "conflict" : "failed copy", copy.Error.Length > 0 ? copy.Error : "the copy did not verify");
                if (inv?.Status == nameof(MigrationItemStatus.Conflict)) return Left("conflict", inv.Notes);
                if (copy?.Migrated == true)
                    return Left("not checked", $"migrated, but the newest integrity check ({f.Integrity!.Report}) has no row for it: run Test-MigrationIntegrity -WorkspacePath");
                return Left("not copied", "in the old layout, but no copy of it is journaled");
            }

            private static bool IsIntegrityAlarm(string status) =>
                status == nameof(IntegrityStatus.Missing) || status == nameof(IntegrityStatus.Mismatch)
                || status == nameof(IntegrityStatus.SourceChanged) || status == nameof(IntegrityStatus.Unexpected);

            /// <summary>
            /// The inventory's orphans by what the planner decided they are (OrphanReason; the notes say why, for people). An
            /// inventory written before the reason was recorded gives None: a key ending in '/' is still a folder marker by its
            /// path, and anything else is labelled with the generic word.
            /// </summary>
            private static string OrphanKind(string path, OrphanReason reason) =>
                reason == OrphanReason.FolderMarker || path.EndsWith("/", StringComparison.Ordinal) ? "folder marker"
                : reason == OrphanReason.NoCsvRow ? "unmatched person folder"
                : "orphan";

            internal static bool Like(string text, string pattern)
            {
                int t = 0, p = 0, star = -1, mark = 0;
                while (t < text.Length)
                {
                    if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t])) { t++; p++; }
                    else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
                    else if (star >= 0) { p = star + 1; t = ++mark; }
                    else return false;
                }
                while (p < pattern.Length && pattern[p] == '*') p++;
                return p == pattern.Length;
            }
        }
    }
}
