using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using CsvHelper;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>One source object and its backup copy, as backup_manifest.csv records it.</summary>
    public sealed class BackupEntry : BackupCopy
    {
        /// <summary>The backup is there, with the source's size and checksum.</summary>
        public const string Verified = "verified";
        /// <summary>The backup could not be made or did not verify (see Notes).</summary>
        public const string Failed = "failed";

        /// <summary>verified or failed.</summary>
        public string Status { get; set; } = "";
        public DateTime BackedUpAt { get; set; }

        public bool IsVerified => Status == Verified;
    }

    /// <summary>
    /// backup_manifest.csv in the workspace: every source object Backup-MigrationSource saw and where its backup is.
    /// Remove-MigrationSource deletes a source only when its row here is verified and its ETag and size are still
    /// the source's. The file is replaced whole (AtomicFile), so it is never half-written.
    /// </summary>
    public static class BackupManifest
    {
        public const string FileName = "backup_manifest.csv";

        public static readonly string[] Columns =
        {
            "source_bucket", "source_key", "backup_bucket", "backup_key", "size", "source_etag", "backup_etag", "md5",
            "storage_class", "verified_by", "status", "backed_up_at", "notes",
        };

        public static string PathIn(string workspace) => Path.Combine(workspace, FileName);

        public static void Write(string workspace, IEnumerable<BackupEntry> entries)
        {
            AtomicFile.Write(PathIn(workspace), stream =>
            {
                using var text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
                foreach (var c in Columns) csv.WriteField(c);
                csv.NextRecord();
                foreach (var e in entries)
                {
                    csv.WriteField(e.SourceBucket); csv.WriteField(e.SourceKey); csv.WriteField(e.BackupBucket); csv.WriteField(e.BackupKey);
                    csv.WriteField(e.Size.ToString(CultureInfo.InvariantCulture)); csv.WriteField(e.SourceETag); csv.WriteField(e.BackupETag);
                    csv.WriteField(e.Md5); csv.WriteField(e.StorageClass); csv.WriteField(e.VerifiedBy); csv.WriteField(e.Status);
                    csv.WriteField(e.BackedUpAt == default ? "" : e.BackedUpAt.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
                    csv.WriteField(e.Notes);
                    csv.NextRecord();
                }
            });
        }

        /// <summary>The manifest of a workspace, or null when there is none.</summary>
        public static List<BackupEntry>? Read(string workspace)
        {
            var path = PathIn(workspace);
            if (!File.Exists(path)) return null;
            using var reader = new StreamReader(path, new UTF8Encoding(false));
            using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
            if (!csv.Read() || !csv.ReadHeader() || !Columns.All(c => csv.HeaderRecord!.Contains(c)))
                throw new MigrationException("BackupManifestMalformed", MigrationErrorKind.InvalidData,
                    $"{FileName} in '{workspace}' does not have the manifest's columns ({string.Join(", ", Columns)}); run Backup-MigrationSource again.", target: path);
            var list = new List<BackupEntry>();
            while (csv.Read())
            {
                list.Add(new BackupEntry
                {
                    SourceBucket = csv.GetField("source_bucket") ?? "", SourceKey = csv.GetField("source_key") ?? "",
                    BackupBucket = csv.GetField("backup_bucket") ?? "", BackupKey = csv.GetField("backup_key") ?? "",
                    Size = long.TryParse(csv.GetField("size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : -1,
                    SourceETag = csv.GetField("source_etag") ?? "", BackupETag = csv.GetField("backup_etag") ?? "",
                    Md5 = csv.GetField("md5") ?? "", StorageClass = csv.GetField("storage_class") ?? "",
                    VerifiedBy = csv.GetField("verified_by") ?? "", Status = csv.GetField("status") ?? "",
                    BackedUpAt = DateTime.TryParse(csv.GetField("backed_up_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : default,
                    Notes = csv.GetField("notes") ?? "",
                });
            }
            return list;
        }
    }
}
