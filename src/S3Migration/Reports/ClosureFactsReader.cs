using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using S3Migration.Model;
using S3Migration.Workspace;

namespace S3Migration.Reports
{
    /// <summary>
    /// Reads the facts of the final report's gate (PhaseGates.FinalReportVerdict) from the workspace files: the inventory,
    /// the newest integrity report, the copy journal and the cleanup's deletion log. Reading only; no rule lives here.
    /// </summary>
    public static class ClosureFactsReader
    {
        /// <summary>The folder of the watch's dated reports (Invoke-MigrationWatch, scripts/S3Migration.Watch.psm1), inside the workspace.</summary>
        public const string WatchReportFolder = "reports";
        /// <summary>Dated integrity reports end so: daily_20250301_061500_verification.csv.</summary>
        public const string WatchReportSuffix = "_verification.csv";

        /// <summary>Every object of the old layout the inventory saw, or null without inventory_checksums.csv and inventory_report.json.</summary>
        public static List<InventoriedObject>? ReadInventory(string workspace) =>
            !InventoryChecksumsWriter.Exists(workspace) ? null : InventoryChecksumsWriter.Rows(workspace).Select(r => new InventoriedObject
            {
                Path = r.Source.ToString(), Status = r.Status, Notes = r.Notes, OrphanReason = r.OrphanReason,
                InNewLayout = r.Status == nameof(MigrationItemStatus.Skipped) && r.TargetKey.Length == 0,
            }).ToList();

        /// <summary>
        /// The integrity reports of the workspace, newest last: the migration's own verification_report.csv and the watch's
        /// dated reports/*_verification.csv, by when they were written.
        /// </summary>
        public static List<string> IntegrityReports(string workspace)
        {
            var found = new List<string>();
            var own = Path.Combine(workspace, VerificationReport.CsvName);
            if (File.Exists(own)) found.Add(own);
            var watch = Path.Combine(workspace, WatchReportFolder);
            if (Directory.Exists(watch)) found.AddRange(Directory.GetFiles(watch, "*" + WatchReportSuffix));
            return found.OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal).ToList();
        }

        /// <summary>The newest integrity report's rows, or null when there is none.</summary>
        public static IntegrityCheckFacts? ReadNewestIntegrity(string workspace)
        {
            var newest = IntegrityReports(workspace).LastOrDefault();
            if (newest == null) return null;
            var facts = new IntegrityCheckFacts
            {
                Report = newest.Substring(Path.GetFullPath(workspace).TrimEnd(Path.DirectorySeparatorChar).Length + 1).Replace('\\', '/'),
                CheckedAt = File.GetLastWriteTimeUtc(newest),
            };
            using var reader = new StreamReader(new FileStream(newest, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), new UTF8Encoding(false));
            using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null });
            if (!csv.Read() || !csv.ReadHeader() || !new[] { "status", "old_s3_path", "new_s3_path", "reason" }.All(c => csv.HeaderRecord!.Contains(c)))
                throw new MigrationException("IntegrityReportMalformed", MigrationErrorKind.InvalidData,
                    $"'{newest}' is not an integrity report (it needs the columns status, old_s3_path, new_s3_path, reason); run Test-MigrationIntegrity -WorkspacePath again.", target: newest);
            while (csv.Read())
                facts.Rows.Add(new IntegrityRow
                {
                    Status = csv.GetField("status") ?? "", OldPath = csv.GetField("old_s3_path") ?? "",
                    NewPath = csv.GetField("new_s3_path") ?? "", Reason = csv.GetField("reason") ?? "",
                });
            return facts;
        }

        /// <summary>What the journal says of each source: its last word (<see cref="CopyJournal.LastWordRows"/>).</summary>
        public static List<JournaledCopy> ReadJournal(IEnumerable<JournalRow> rows) =>
            CopyJournal.LastWordRows(rows).Select(r => new JournaledCopy
            {
                OldPath = r.OldPath, Migrated = r.VerificationStatus == JournalRow.Verified, Status = r.VerificationStatus, Error = r.Error,
            }).ToList();

        /// <summary>The cleanup's last decision per source path, from deletion_log.csv (DeletionJournal).</summary>
        public static Dictionary<string, CleanupOutcome> ReadCleanup(IEnumerable<DeletionRow> rows)
        {
            var d = new Dictionary<string, CleanupOutcome>(StringComparer.Ordinal);
            // The settled outcome of each source (DeletionJournal.Outcomes: its last row). Only deleted and delete_marker rows
            // count as deletions (CleanupOutcome.Deleted); kept, failed, or an intent not yet settled do not.
            foreach (var r in rows.Where(r => r.SourcePath.Length > 0))
                d[r.SourcePath] = new CleanupOutcome { OldPath = r.SourcePath, Status = r.Status, Reason = r.Reason };
            return d;
        }
    }
}
