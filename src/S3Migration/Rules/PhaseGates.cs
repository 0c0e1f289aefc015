using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;

namespace S3Migration.Rules
{
    /// <summary>
    /// The gates between the phases of the migration, in one place: pure decisions over facts the phases gathered
    /// (from S3, the workspace's journals and state, the people CSV). A gate answers null to go ahead, or the reason
    /// to stop, written for the operator. Each gate is self-contained: it reads only its own facts, plain values and
    /// Model nouns the phase gathered, never a workspace file or the CSV itself. The final report's gate is in
    /// PhaseGates.FinalReport.cs.
    /// </summary>
    public static partial class PhaseGates
    {
        // ---- CSV update (Update-OutputCsv in the pipeline) ---------------------------------------------------------

        /// <summary>
        /// Integrity check -> CSV update: whether an object that comes through the pipeline into Update-OutputCsv may have
        /// its URL rewritten. Only what arrives verified: Test-MigrationIntegrity's Verified, or Copy-PersonFiles' Verified
        /// and Skipped (an earlier run verified it and both sides are unchanged). Anything else (Mismatch, Missing,
        /// SourceChanged, Failed, Conflict, an inventory's Planned) keeps its old URL, whatever the journal says.
        /// The URL is rewritten only if the journal also records the copy as verified.
        /// </summary>
        public static bool ArrivesVerified(string? status) =>
            string.Equals(status, nameof(IntegrityStatus.Verified), StringComparison.OrdinalIgnoreCase)
            || string.Equals(status, nameof(MigrationResultStatus.Skipped), StringComparison.OrdinalIgnoreCase);

        // ---- Cleanup (Remove-MigrationSource) -------------------------------------------------------------------

        /// <summary>
        /// May the cleanup start? Not before the grace period has passed since the newest copy among the candidates, so
        /// no source is deleted before every destination it could be compared with has had the full period of
        /// monitoring. -Force skips the grace period only, never a check. Null: go ahead; else why not.
        /// </summary>
        /// <param name="copiedAt">when each candidate's copy was made</param>
        public static string? WhyWaitForGracePeriod(IReadOnlyCollection<DateTime> copiedAt, int days, bool force, DateTime now)
        {
            if (force || copiedAt.Count == 0) return null;
            var newest = copiedAt.Max(c => c.ToUniversalTime());
            var passes = newest.AddDays(days);
            if (now.ToUniversalTime() >= passes) return null;
            return $"The grace period has not passed: the newest of these {copiedAt.Count} copies was made {newest:yyyy-MM-dd HH:mm:ss}Z, and the {days}-day grace period " +
                   $"passes {passes:yyyy-MM-dd HH:mm:ss}Z. Nothing was read or deleted. Wait until then, or pass -Force to skip the grace period " +
                   "(it skips only the grace period; every safety check still runs), e.g. on a test bucket.";
        }

        /// <summary>
        /// The warning of a -WhatIf inside the grace period (<see cref="WhyWaitForGracePeriod"/> said wait): the preview
        /// shows what would be deleted once the period has passed, which a run without -WhatIf refuses until then.
        /// </summary>
        public static string GracePeriodPreview(IReadOnlyCollection<DateTime> copiedAt, int days)
        {
            var passes = copiedAt.Max(c => c.ToUniversalTime()).AddDays(days);
            return $"The {days}-day grace period has not passed: it passes {passes:yyyy-MM-dd HH:mm:ss}Z. This -WhatIf shows what would be deleted once it has; " +
                   "without -WhatIf, Remove-MigrationSource refuses until then (or with -Force, which skips only the grace period).";
        }

        /// <summary>
        /// May the cleanup delete this old-layout source? Only when it is unchanged since the copy, its destination is
        /// verified by the one rule, a verified backup of this content exists (unless -SkipBackupCheck), and the people
        /// CSV no longer names it (unless -SkipCsvCheck): a URL the application still serves must not answer 404.
        /// Null: delete; else why it is kept. The first check that did not pass gives the reason.
        /// </summary>
        public static string? WhyKeepSource(SourceDeletionFacts f)
        {
            if (f.Source?.Ok != true) return f.Source?.Why ?? "the source could not be checked";
            if (f.Destination?.Ok != true) return f.Destination?.Why ?? "the destination could not be checked";
            if (!f.BackupCheckSkipped && f.Backup?.Ok != true) return f.Backup?.Why ?? "no verified backup: the backup could not be checked";
            if (f.CsvCheckSkipped) return null;
            if (f.CsvReferences == null) return "the people CSV was not read, so it may still name it";
            if (f.CsvReferences.Count > 0) return $"the people CSV still names it ({CsvUrlReference.Places(f.CsvReferences)}); run Update-OutputCsv first";
            return null;
        }

        // ---- Undo (Undo-Migration) ------------------------------------------------------------------------------

        /// <summary>
        /// May Undo-Migration delete this destination (already found to be exactly the migration's copy)? Only while its
        /// source still exists: once the cleanup (or anyone) deleted the source, the destination is the only live copy,
        /// and deleting it would leave the file only in the Glacier backup, if at all. Null: delete; else why it is kept,
        /// with how to put the old layout back. Nor while the people CSV still names the destination (the CSV update
        /// pointed the application at it): every such URL would answer 404; the CSV is restored first.
        /// </summary>
        public static string? WhyKeepDestination(UndoFacts f)
        {
            var source = $"s3://{f.SourceBucket}/{f.SourceKey}";
            var destination = $"s3://{f.TargetBucket}/{f.TargetKey}";
            string gone;
            switch (f.Source)
            {
                case SourceNow.Present:
                    if (f.CsvReferences is { Count: > 0 } named)
                        return $"the people CSV still names it ({CsvUrlReference.Places(named)}), so the application serves it; run Restore-OutputCsv first, then Undo-Migration again";
                    return null;
                case SourceNow.Unknown:
                    return $"its source {source} could not be checked ({f.Detail}), so this may be the only live copy of the file; run Undo-Migration again when S3 answers";
                case SourceNow.DeletedByCleanup: gone = "Remove-MigrationSource deleted it" + (f.Detail.Length > 0 ? " " + f.Detail : ""); break;
                case SourceNow.HiddenByDeleteMarker:
                    gone = $"Remove-MigrationSource hid it behind a delete marker{(f.Detail.Length > 0 ? " " + f.Detail : "")}; its version {(f.VersionId.Length > 0 ? f.VersionId : "(unknown)")} is kept as a noncurrent version";
                    break;
                default: gone = "it no longer exists; this workspace's cleanup did not delete it"; break;
            }
            static string Ps(string s) => "'" + s.Replace("'", "''") + "'";
            var how = $"copy it back to the old key first: aws s3 cp \"{destination}\" \"{source}\" " +
                      $"(or Copy-S3Object -BucketName {Ps(f.TargetBucket)} -Key {Ps(f.TargetKey)} -DestinationBucket {Ps(f.SourceBucket)} -DestinationKey {Ps(f.SourceKey)})";
            if (f.Source == SourceNow.HiddenByDeleteMarker) how += ", or delete the delete marker so that the kept version is current again";
            how += f.BackupPath.Length > 0
                ? $", or restore {f.BackupPath} from the Glacier backup as RESTORE.md in the workspace says"
                : ", or restore it from the Glacier backup as RESTORE.md in the workspace says";
            return $"its source {source} is gone ({gone}), so {destination} is the only live copy of the file and was not deleted. " +
                   $"To put the old layout back, {how}; then run Undo-Migration again";
        }

        // ---- CSV restore (Restore-OutputCsv) --------------------------------------------------------------------

        /// <summary>
        /// May Restore-OutputCsv put this backup back? Not without -Force while any of its URLs names an object the
        /// cleanup deleted: the application would serve URLs that answer 404. Null: restore; else why not.
        /// </summary>
        public static string? WhyRefuseCsvRestore(IReadOnlyList<CsvUrlReference> urlsOfDeletedObjects, bool force)
        {
            if (urlsOfDeletedObjects.Count == 0 || force) return null;
            return BrokenUrls(urlsOfDeletedObjects) + " Put those objects back first (copy each back from its new-layout key, or restore it from the " +
                   "Glacier backup as RESTORE.md in the workspace says), or pass -Force to restore anyway.";
        }

        /// <summary>"2 URLs of the backup name objects Remove-MigrationSource deleted ...: line 2, col: url; ...".</summary>
        public static string BrokenUrls(IReadOnlyList<CsvUrlReference> urls)
        {
            const int shown = 10;
            var list = string.Join("; ", urls.Take(shown).Select(u => u.ToString())) + (urls.Count > shown ? $"; and {urls.Count - shown} more" : "");
            return $"{urls.Count} URL{(urls.Count == 1 ? "" : "s")} of the backup name{(urls.Count == 1 ? "s" : "")} objects that Remove-MigrationSource deleted " +
                   $"(deletion_log.csv), so after a restore {(urls.Count == 1 ? "it" : "they")} would answer 404: {list}.";
        }
    }
}
