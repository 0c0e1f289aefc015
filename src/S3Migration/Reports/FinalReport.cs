using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.Workspace;

namespace S3Migration.Reports
{
    /// <summary>
    /// The closing report (plan phase 5): the certificate's sections (MigrationCertificate.Build), then the backup and
    /// the deletion of the old structure from the files Backup-MigrationSource and Remove-MigrationSource leave in the
    /// workspace, every leftover of the old layout, the verdict, and the lessons learned (LessonsLearned) with headings
    /// for people to fill in. The verdict is the gate's (PhaseGates.FinalReportVerdict), decided from the facts
    /// ClosureFactsReader reads; this class only gathers and writes.
    /// </summary>
    public sealed class FinalReport
    {
        public const string FileName = "final_report.md";
        public const string Closed = "Closed";
        public const string NotClosed = "NotClosed";
        /// <summary>How many kept or failed deletions (and failed backups) are listed before "and N more". Leftovers are all listed.</summary>
        public const int ListCap = 20;

        public string Path { get; set; } = "";
        /// <summary>Closed or NotClosed.</summary>
        public string Status { get; set; } = "";
        /// <summary>The verdict in words: closed, or not closed and why.</summary>
        public string Verdict { get; set; } = "";
        public List<string> Reasons { get; } = new List<string>();
        public int FilesMigrated { get; set; }
        public long BytesMigrated { get; set; }
        public int FailuresUnresolved { get; set; }
        public int ConflictsUnresolved { get; set; }
        public bool BackupRun { get; set; }
        public long BackedUpObjects { get; set; }
        public long BackupFailed { get; set; }
        public bool DeletionRun { get; set; }
        public long ObjectsDeleted { get; set; }
        public long ObjectsKept { get; set; }
        public long ObjectsFailed { get; set; }
        public long BytesReclaimed { get; set; }
        public int FailureReasons { get; set; }
        public int RetriedObjects { get; set; }
        /// <summary>The integrity report the verdict used (relative to the workspace), or "" when there is none.</summary>
        public string IntegrityReport { get; set; } = "";
        /// <summary>Every object of the old layout not accounted for, with why and where it stands.</summary>
        public List<Leftover> Leftovers { get; } = new List<Leftover>();
        public int LeftoversBlocking => Leftovers.Count(l => l.Standing == LeftoverStanding.Blocking);
        public int LeftoversAccepted => Leftovers.Count(l => l.Standing == LeftoverStanding.AcceptedByOperator);
        public int LeftoversExcluded => Leftovers.Count(l => l.Standing == LeftoverStanding.ExcludedByChoice);
        /// <summary>The -AcceptLeftover patterns given, as the report records them.</summary>
        public List<string> AcceptedPatterns { get; } = new List<string>();
        /// <summary>-AcceptLeftover patterns that matched no leftover.</summary>
        public List<string> UnusedPatterns { get; } = new List<string>();

        public override string ToString() => $"{Path}: {Verdict}";

        /// <summary>
        /// Builds the report from the workspace and writes it to <paramref name="path"/> (atomically).
        /// <paramref name="acceptLeftover"/>: the operator's -AcceptLeftover paths or patterns, recorded in the report.
        /// </summary>
        public static FinalReport Create(string workspace, string path, string title, IReadOnlyList<string>? acceptLeftover = null, string? acceptedBy = null)
        {
            var (cert, doc) = MigrationCertificate.Build(workspace, title);
            var report = new FinalReport
            {
                Path = path, FilesMigrated = cert.FilesMigrated, BytesMigrated = cert.BytesMigrated,
                FailuresUnresolved = cert.FailuresUnresolved, ConflictsUnresolved = cert.ConflictsUnresolved,
            };
            var journalRows = CopyJournal.Attempts(workspace);
            var facts = new ClosureFacts
            {
                Inventory = ClosureFactsReader.ReadInventory(workspace),
                Integrity = ClosureFactsReader.ReadNewestIntegrity(workspace),
                Journal = ClosureFactsReader.ReadJournal(journalRows),
                Cleanup = ClosureFactsReader.ReadCleanup(DeletionJournal.Outcomes(workspace).Values),
                AcceptPatterns = (acceptLeftover ?? Array.Empty<string>()).Where(p => p.Length > 0).ToList(),
            };
            report.AcceptedPatterns.AddRange(facts.AcceptPatterns);
            report.IntegrityReport = facts.Integrity?.Report ?? "";

            report.AddBackup(doc, workspace, facts);
            report.AddDeletion(doc, workspace, facts);

            var verdict = PhaseGates.FinalReportVerdict(facts);
            report.Reasons.AddRange(verdict.Reasons);
            report.Leftovers.AddRange(verdict.Leftovers);
            report.UnusedPatterns.AddRange(verdict.UnusedPatterns);
            report.AddLeftovers(doc, facts, acceptedBy);

            report.Status = verdict.Closed ? Closed : NotClosed;
            report.Verdict = verdict.Closed ? report.ClosedWords(facts) : "The migration is NOT closed: " + string.Join("; ", report.Reasons) + ".";
            doc.H(2, "Verdict");
            doc.P(report.Verdict);

            var lessons = LessonsLearned.FromJournal(journalRows);
            report.FailureReasons = lessons.Failures.Count;
            report.RetriedObjects = lessons.RetriedObjects;
            lessons.AddTo(doc);
            MigrationCertificate.AddSignOff(doc);

            var bytes = new UTF8Encoding(false).GetBytes(doc.ToMarkdown());
            AtomicFile.Write(path, st => st.Write(bytes, 0, bytes.Length));
            return report;
        }

        /// <summary>The closed verdict in words that claim no more than is true: "every file" only when nothing was left out.</summary>
        private string ClosedWords(ClosureFacts facts)
        {
            var check = $"the newest integrity check ({facts.Integrity!.Report}, {facts.Integrity.CheckedAt:yyyy-MM-dd HH:mm} UTC)";
            if (LeftoversExcluded == 0 && LeftoversAccepted == 0)
                return $"The migration is closed: every file of the old layout is verified in the new layout by {check}, and the old structure was backed up and deleted.";
            var except = new List<string>();
            if (LeftoversExcluded > 0) except.Add(LeftoversExcluded == 1 ? "1 file excluded by choice" : $"{LeftoversExcluded} files excluded by choice");
            if (LeftoversAccepted > 0) except.Add(LeftoversAccepted == 1 ? "1 leftover accepted by the operator" : $"{LeftoversAccepted} leftovers accepted by the operator");
            return $"The migration is closed: every migrated file is verified in the new layout by {check}, and the old structure was backed up and deleted, "
                   + $"except {string.Join(" and ", except)}, which stay in the old layout as listed under Leftovers.";
        }

        /// <summary>Every leftover, blocking ones first, with the integrity check it was judged by and the operator's acceptance.</summary>
        private void AddLeftovers(CertificateDocument doc, ClosureFacts facts, string? acceptedBy)
        {
            doc.H(2, "Leftovers");
            if (facts.Integrity is IntegrityCheckFacts check)
                doc.P($"Judged by the newest integrity check, {check.Report} of {check.CheckedAt:yyyy-MM-dd HH:mm} UTC: "
                      + string.Join(", ", check.Rows.GroupBy(r => r.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{MigrationCertificate.N(g.Count())} {g.Key}")) + ".");
            else doc.P("No integrity check in the workspace (verification_report.csv or reports/*_verification.csv): no file is proven in the new layout.");
            if (facts.Inventory == null) doc.P("No inventory in the workspace: the leftovers below are only what the journal, the check and the cleanup name.");
            if (AcceptedPatterns.Count > 0)
                doc.P($"Accepted by the operator{(string.IsNullOrEmpty(acceptedBy) ? "" : " (" + acceptedBy + ")")} on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with -AcceptLeftover "
                      + string.Join(", ", AcceptedPatterns.Select(p => $"'{p}'")) + "."
                      + (UnusedPatterns.Count > 0 ? " Matching no leftover: " + string.Join(", ", UnusedPatterns.Select(p => $"'{p}'")) + "." : ""));
            if (Leftovers.Count == 0) { doc.P("None: every object of the old layout is verified in the new layout and deleted" + (DeletionRun ? "." : ", or awaits the cleanup.")); return; }
            doc.P($"{MigrationCertificate.N(Leftovers.Count)} left in the old layout (or found by the check): {MigrationCertificate.N(LeftoversBlocking)} unaccounted for, "
                  + $"{MigrationCertificate.N(LeftoversAccepted)} accepted by the operator, {MigrationCertificate.N(LeftoversExcluded)} excluded by choice.");
            doc.T(new[] { "Object", "What", "Why", "Standing" }, Leftovers
                .OrderBy(l => l.Standing).ThenBy(l => l.Kind, StringComparer.Ordinal).ThenBy(l => l.Path, StringComparer.Ordinal)
                .Select(l => new[] { l.Path, l.Kind, l.Why, Standing(l) }));
        }

        private static string Standing(Leftover l) => l.Standing switch
        {
            LeftoverStanding.AcceptedByOperator => $"accepted by the operator ('{l.AcceptedBy}')",
            LeftoverStanding.ExcludedByChoice => "excluded by choice",
            _ => "UNACCOUNTED FOR",
        };

        private void AddBackup(CertificateDocument doc, string workspace, ClosureFacts facts)
        {
            doc.H(2, "Backup");
            var summary = ReadJson(workspace, BackupSummary.FileName);
            var manifest = BackupManifest.Read(workspace);
            if (summary is not JsonElement s)
            {
                doc.P($"Not run: there is no {BackupSummary.FileName} in the workspace, so Backup-MigrationSource was not run (or not here). The old structure has no verified backup.");
                return;
            }
            BackupRun = true;
            BackedUpObjects = Long(s, "backed_up_objects");
            BackupFailed = Long(s, "failed");
            doc.P($"From {BackupSummary.FileName}" + (manifest != null ? $" and {BackupManifest.FileName}" : "") + " (Backup-MigrationSource).");
            doc.T(new[] { "Figure", "Value" }, new[]
            {
                new[] { "Source", Str(s, "source") }, new[] { "Backup location", Str(s, "backup") }, new[] { "Storage class", Str(s, "storage_class") },
                new[] { "Target storage class", Str(s, "target_storage_class") },
                new[] { "Lifecycle rule", Str(s, "lifecycle_rule_id") }, new[] { "Transition after (days)", Str(s, "transition_after_days") },
                new[] { "Lifecycle size filter", Str(s, "lifecycle_size_filter") }, new[] { "Objects the rule will not move", Num(s, "objects_not_transitioned") },
                new[] { "Source objects", Num(s, "source_objects") }, new[] { "Source bytes", Num(s, "source_bytes") },
                new[] { "Backed-up objects", Num(s, "backed_up_objects") }, new[] { "Backed-up bytes", Num(s, "backed_up_bytes") },
                new[] { "Verified", Num(s, "verified") }, new[] { "Failed", Num(s, "failed") }, new[] { "Complete", Str(s, "complete") },
                new[] { "Started", Str(s, "started") }, new[] { "Finished", Str(s, "finished") },
            });
            facts.BackupRun = true;
            facts.BackupComplete = s.TryGetProperty("complete", out var c) && c.ValueKind == JsonValueKind.True;
            facts.BackupFailed = BackupFailed;
            if (Str(s, "not_transitioned_reason") is { Length: > 0 } stays) doc.P($"Not every backup object will reach {Str(s, "target_storage_class")}: {stays}.");
            if (manifest == null) { doc.P($"No {BackupManifest.FileName} in the workspace: the per-object record of the backup is missing."); return; }
            doc.P($"{BackupManifest.FileName}: {MigrationCertificate.N(manifest.Count(e => e.IsVerified))} verified, {MigrationCertificate.N(manifest.Count(e => !e.IsVerified))} not verified.");
            var failed = manifest.Where(e => !e.IsVerified).ToList();
            if (failed.Count > 0)
                Capped(doc, new[] { "Source", "Status", "Notes" }, failed.Select(e => new[] { new S3Location(e.SourceBucket, e.SourceKey).ToString(), e.Status, e.Notes }).ToList(), BackupManifest.FileName);
        }

        private void AddDeletion(CertificateDocument doc, string workspace, ClosureFacts facts)
        {
            doc.H(2, "Deletion of the old structure");
            var summary = ReadJson(workspace, RemovalSummary.FileName);
            // Each source's settled outcome (its last row): a re-run may delete what an earlier run kept, and an intent a killed
            // run left is shown as 'deleting' until the next run settles it.
            var log = File.Exists(DeletionJournal.PathIn(workspace)) ? DeletionJournal.Outcomes(workspace).Values.ToList() : null;
            if (summary is not JsonElement s)
            {
                doc.P($"Not run: there is no {RemovalSummary.FileName} in the workspace, so Remove-MigrationSource was not run (or not here). The old structure is still in place.");
                return;
            }
            DeletionRun = true;
            ObjectsDeleted = Long(s, "objects_deleted");
            ObjectsKept = Long(s, "objects_kept");
            ObjectsFailed = Long(s, "objects_failed");
            BytesReclaimed = Long(s, "bytes_reclaimed");
            facts.CleanupRun = true;
            facts.CleanupListingVerified = s.TryGetProperty("listing_verified", out var lv) && lv.ValueKind == JsonValueKind.True;
            facts.CleanupSummaryDeleted = ObjectsDeleted + Long(s, "delete_markers");
            doc.P($"From {RemovalSummary.FileName}" + (log != null ? $" and {DeletionJournal.FileName}" : "") + " (Remove-MigrationSource).");
            doc.T(new[] { "Figure", "Value" }, new[]
            {
                new[] { "Objects deleted", Num(s, "objects_deleted") }, new[] { "Delete markers", Num(s, "delete_markers") },
                new[] { "Objects kept", Num(s, "objects_kept") }, new[] { "Objects failed", Num(s, "objects_failed") },
                new[] { "Bytes reclaimed", Num(s, "bytes_reclaimed") }, new[] { "Listing verified", Str(s, "listing_verified") },
                new[] { "Versioned bucket", Str(s, "versioned") }, new[] { "Started", Str(s, "started") }, new[] { "Finished", Str(s, "finished") },
            });
            if (s.TryGetProperty("bytes_by_type", out var byType) && byType.ValueKind == JsonValueKind.Object)
                doc.T(new[] { "File type", "Bytes reclaimed" }, byType.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
                    .Select(p => new[] { p.Name, p.Value.TryGetInt64(out var n) ? MigrationCertificate.N(n) : p.Value.GetRawText() }));

            if (log == null) { doc.P($"No {DeletionJournal.FileName} in the workspace: the per-object record of the deletion is missing, so no deletion is proven."); return; }
            doc.P($"{DeletionJournal.FileName}: " + (log.Count == 0 ? "no rows" : string.Join(", ", log.GroupBy(r => r.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{MigrationCertificate.N(g.Count())} {g.Key}"))) + ".");
            foreach (var status in new[] { DeletionRow.Kept, DeletionRow.Failed })
            {
                var rows = log.Where(r => r.Status == status).ToList();
                if (rows.Count == 0) continue;
                doc.H(3, status == DeletionRow.Kept ? "Objects kept" : "Deletions that failed");
                Capped(doc, new[] { "Source", "Version", "Size", "Reason" },
                    rows.Select(r => new[] { r.SourcePath, r.VersionId, r.Size.ToString(CultureInfo.InvariantCulture), r.Reason }).ToList(), DeletionJournal.FileName);
            }
        }

        private static void Capped(CertificateDocument doc, string[] headers, List<string[]> rows, string file)
        {
            doc.T(headers, rows.Take(ListCap));
            if (rows.Count > ListCap) doc.P($"… and {MigrationCertificate.N(rows.Count - ListCap)} more (see {file}).");
        }

        private static JsonElement? ReadJson(string workspace, string name)
        {
            var path = System.IO.Path.Combine(workspace, name);
            try { return MigrationCertificate.ReadJson(path); }
            catch (JsonException ex)
            {
                throw new MigrationException("SummaryMalformed", MigrationErrorKind.InvalidData, $"{name} in '{workspace}' is not valid JSON: {ex.Message}", ex, path);
            }
        }

        private static string Str(JsonElement e, string name) => MigrationCertificate.Str(e, name);
        private static long Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
        private static string Num(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? MigrationCertificate.N(n) : Str(e, name);
    }
}
