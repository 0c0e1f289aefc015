using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using CsvHelper;
using S3Migration.Journal;
using S3Migration.Storage;
using S3Migration.Workspace;

namespace S3Migration.Reports
{
    /// <summary>
    /// The closing report (plan phase 5): the certificate's sections (MigrationCertificate.Build), then the backup and
    /// the deletion of the old structure from the files Backup-MigrationSource and Remove-MigrationSource leave in the
    /// workspace, the verdict, and the lessons learned (LessonsLearned) with headings for people to fill in.
    /// </summary>
    public sealed class FinalReport
    {
        public const string FileName = "final_report.md";
        public const string BackupSummaryName = "backup_summary.json";
        public const string DeletionSummaryName = "deletion_summary.json";
        public const string DeletionLogName = "deletion_log.csv";
        public const string Closed = "Closed";
        public const string NotClosed = "NotClosed";
        /// <summary>How many kept or failed deletions (and failed backups) are listed before "and N more".</summary>
        public const int ListCap = 20;

        public static readonly string[] DeletionLogColumns =
            { "source_path", "version_id", "file_type", "size", "source_etag", "new_s3_path", "backup_path", "status", "reason", "deleted_at" };

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

        public override string ToString() => $"{Path}: {Verdict}";

        /// <summary>Builds the report from the workspace and writes it to <paramref name="path"/> (atomically).</summary>
        public static FinalReport Create(string workspace, string path, string title)
        {
            var (cert, doc) = MigrationCertificate.Build(workspace, title);
            var report = new FinalReport
            {
                Path = path, FilesMigrated = cert.FilesMigrated, BytesMigrated = cert.BytesMigrated,
                FailuresUnresolved = cert.FailuresUnresolved, ConflictsUnresolved = cert.ConflictsUnresolved,
            };
            if (cert.FailuresUnresolved > 0) report.Reasons.Add($"{cert.FailuresUnresolved} copy failures are unresolved");
            if (cert.ConflictsUnresolved > 0) report.Reasons.Add($"{cert.ConflictsUnresolved} conflicts are unresolved");

            report.AddBackup(doc, workspace);
            report.AddDeletion(doc, workspace);

            report.Status = report.Reasons.Count == 0 ? Closed : NotClosed;
            report.Verdict = report.Reasons.Count == 0
                ? "The migration is closed: every file verified, the old structure backed up and deleted."
                : "The migration is NOT closed: " + string.Join("; ", report.Reasons) + ".";
            doc.H(2, "Verdict");
            doc.P(report.Verdict);

            var lessons = LessonsLearned.FromJournal(JournalReader.ReadFile(System.IO.Path.Combine(workspace, MigrationJournal.FileName)));
            report.FailureReasons = lessons.Failures.Count;
            report.RetriedObjects = lessons.RetriedObjects;
            lessons.AddTo(doc);
            MigrationCertificate.AddSignOff(doc);

            var bytes = new UTF8Encoding(false).GetBytes(doc.ToMarkdown());
            AtomicFile.Write(path, st => st.Write(bytes, 0, bytes.Length));
            return report;
        }

        private void AddBackup(CertificateDocument doc, string workspace)
        {
            doc.H(2, "Backup");
            var summary = ReadJson(workspace, BackupSummaryName);
            var manifest = BackupManifest.Read(workspace);
            if (summary is not JsonElement s)
            {
                doc.P($"Not run: there is no {BackupSummaryName} in the workspace, so Backup-MigrationSource was not run (or not here). The old structure has no verified backup.");
                Reasons.Add("the old structure was not backed up (Backup-MigrationSource not run)");
                return;
            }
            BackupRun = true;
            BackedUpObjects = Long(s, "backed_up_objects");
            BackupFailed = Long(s, "failed");
            doc.P($"From {BackupSummaryName}" + (manifest != null ? $" and {BackupManifest.FileName}" : "") + " (Backup-MigrationSource).");
            doc.T(new[] { "Figure", "Value" }, new[]
            {
                new[] { "Source", Str(s, "source") }, new[] { "Backup location", Str(s, "backup") }, new[] { "Storage class", Str(s, "storage_class") },
                new[] { "Lifecycle rule", Str(s, "lifecycle_rule_id") }, new[] { "Transition after (days)", Str(s, "transition_after_days") },
                new[] { "Source objects", Num(s, "source_objects") }, new[] { "Source bytes", Num(s, "source_bytes") },
                new[] { "Backed-up objects", Num(s, "backed_up_objects") }, new[] { "Backed-up bytes", Num(s, "backed_up_bytes") },
                new[] { "Verified", Num(s, "verified") }, new[] { "Failed", Num(s, "failed") }, new[] { "Complete", Str(s, "complete") },
                new[] { "Started", Str(s, "started") }, new[] { "Finished", Str(s, "finished") },
            });
            var complete = s.TryGetProperty("complete", out var c) && c.ValueKind == JsonValueKind.True;
            if (!complete) Reasons.Add("the backup is not complete");
            if (BackupFailed > 0) Reasons.Add($"{BackupFailed} objects failed to back up");
            if (manifest == null) { doc.P($"No {BackupManifest.FileName} in the workspace: the per-object record of the backup is missing."); return; }
            doc.P($"{BackupManifest.FileName}: {MigrationCertificate.N(manifest.Count(e => e.IsVerified))} verified, {MigrationCertificate.N(manifest.Count(e => !e.IsVerified))} not verified.");
            var failed = manifest.Where(e => !e.IsVerified).ToList();
            if (failed.Count > 0)
                Capped(doc, new[] { "Source", "Status", "Notes" }, failed.Select(e => new[] { $"s3://{e.SourceBucket}/{e.SourceKey}", e.Status, e.Notes }).ToList(), BackupManifest.FileName);
        }

        private void AddDeletion(CertificateDocument doc, string workspace)
        {
            doc.H(2, "Deletion of the old structure");
            var summary = ReadJson(workspace, DeletionSummaryName);
            var log = ReadDeletionLog(workspace);
            if (summary is not JsonElement s)
            {
                doc.P($"Not run: there is no {DeletionSummaryName} in the workspace, so Remove-MigrationSource was not run (or not here). The old structure is still in place.");
                Reasons.Add("the old structure was not deleted (Remove-MigrationSource not run)");
                return;
            }
            DeletionRun = true;
            ObjectsDeleted = Long(s, "objects_deleted");
            ObjectsKept = Long(s, "objects_kept");
            ObjectsFailed = Long(s, "objects_failed");
            BytesReclaimed = Long(s, "bytes_reclaimed");
            doc.P($"From {DeletionSummaryName}" + (log != null ? $" and {DeletionLogName}" : "") + " (Remove-MigrationSource).");
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
            if (ObjectsKept > 0) Reasons.Add(ObjectsKept == 1 ? "1 object of the old structure was kept" : $"{ObjectsKept} objects of the old structure were kept");
            if (ObjectsFailed > 0) Reasons.Add(ObjectsFailed == 1 ? "1 deletion failed" : $"{ObjectsFailed} deletions failed");
            if (!(s.TryGetProperty("listing_verified", out var lv) && lv.ValueKind == JsonValueKind.True))
                Reasons.Add("the listing after the deletion was not verified");

            if (log == null) { doc.P($"No {DeletionLogName} in the workspace: the per-object record of the deletion is missing."); return; }
            doc.P($"{DeletionLogName}: " + string.Join(", ", log.GroupBy(r => r["status"]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{MigrationCertificate.N(g.Count())} {g.Key}")) + ".");
            foreach (var status in new[] { "kept", "failed" })
            {
                var rows = log.Where(r => r["status"] == status).ToList();
                if (rows.Count == 0) continue;
                doc.H(3, status == "kept" ? "Objects kept" : "Deletions that failed");
                Capped(doc, new[] { "Source", "Version", "Size", "Reason" },
                    rows.Select(r => new[] { r["source_path"], r["version_id"], r["size"], r["reason"] }).ToList(), DeletionLogName);
            }
        }

        /// <summary>deletion_log.csv rows by column name, or null when the file is not there.</summary>
        private static List<Dictionary<string, string>>? ReadDeletionLog(string workspace)
        {
            var path = System.IO.Path.Combine(workspace, DeletionLogName);
            if (!File.Exists(path)) return null;
            using var reader = new StreamReader(path, new UTF8Encoding(false));
            using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
            if (!csv.Read() || !csv.ReadHeader() || !DeletionLogColumns.All(c => csv.HeaderRecord!.Contains(c)))
                throw new MigrationException("DeletionLogMalformed", MigrationErrorKind.InvalidData,
                    $"{DeletionLogName} in '{workspace}' does not have the columns {string.Join(",", DeletionLogColumns)}.", target: path);
            var rows = new List<Dictionary<string, string>>();
            while (csv.Read()) rows.Add(DeletionLogColumns.ToDictionary(c => c, c => csv.GetField(c) ?? "", StringComparer.Ordinal));
            return rows;
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
