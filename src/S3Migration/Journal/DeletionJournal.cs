using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace S3Migration.Journal
{
    /// <summary>One row of deletion_log.csv: what Remove-MigrationSource decided about one source object.</summary>
    public sealed class DeletionRow
    {
        /// <summary>The columns, in this order; the final report reads them by name.</summary>
        public static readonly string[] Columns =
        {
            "source_path", "version_id", "file_type", "size", "source_etag", "new_s3_path", "backup_path", "status", "reason", "deleted_at",
        };

        public const string Deleted = "deleted";
        public const string DeleteMarker = "delete_marker";
        public const string Kept = "kept";
        public const string Failed = "failed";

        public string SourcePath { get; set; } = "";
        public string VersionId { get; set; } = "";
        public string FileType { get; set; } = "";
        public long Size { get; set; }
        public string SourceETag { get; set; } = "";
        public string NewPath { get; set; } = "";
        public string BackupPath { get; set; } = "";
        /// <summary>deleted, delete_marker, kept or failed.</summary>
        public string Status { get; set; } = "";
        public string Reason { get; set; } = "";
        /// <summary>When S3 confirmed the delete; null for kept and failed rows.</summary>
        public DateTime? DeletedAt { get; set; }
    }

    /// <summary>
    /// deletion_log.csv in the workspace: append-only, one row per object decided, each row flushed to the OS as it
    /// is written (a killed process loses no deletion it made) and to disk every second and at the end, as the copy
    /// journal does. Earlier runs' rows stay; a re-run appends.
    /// </summary>
    public sealed class DeletionJournal : IDisposable
    {
        public const string FileName = "deletion_log.csv";
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        private readonly FileStream _stream;
        private readonly StreamWriter _writer;
        private readonly CsvWriter _csv;
        private DateTime _lastSync = DateTime.UtcNow;

        private DeletionJournal(FileStream stream)
        {
            _stream = stream;
            var empty = _stream.Length == 0;
            // A torn last row (a crash mid-write) would glue onto the next one: start on a fresh line.
            if (!empty && EndsWithoutNewline(_stream)) { _stream.Seek(0, SeekOrigin.End); _stream.WriteByte((byte)'\n'); }
            _stream.Seek(0, SeekOrigin.End);
            _writer = new StreamWriter(_stream, Utf8) { AutoFlush = false };
            _csv = new CsvWriter(_writer, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" });
            if (empty)
            {
                foreach (var c in DeletionRow.Columns) _csv.WriteField(c);
                _csv.NextRecord();
                Flush(true);
            }
        }

        public static string PathIn(string workspace) => Path.Combine(workspace, FileName);

        /// <summary>Opens (or creates) the log; one writer at a time (others may read).</summary>
        public static DeletionJournal Open(string workspace) =>
            new DeletionJournal(new FileStream(PathIn(workspace), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read));

        public void Append(DeletionRow row)
        {
            _csv.WriteField(row.SourcePath); _csv.WriteField(row.VersionId); _csv.WriteField(row.FileType);
            _csv.WriteField(row.Size.ToString(CultureInfo.InvariantCulture)); _csv.WriteField(row.SourceETag); _csv.WriteField(row.NewPath);
            _csv.WriteField(row.BackupPath); _csv.WriteField(row.Status); _csv.WriteField(row.Reason);
            _csv.WriteField(row.DeletedAt?.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture) ?? "");
            _csv.NextRecord();
            Flush(DateTime.UtcNow - _lastSync > TimeSpan.FromSeconds(1));
        }

        /// <summary>Every row of a workspace's log (none when there is no log).</summary>
        public static List<DeletionRow> Read(string workspace)
        {
            var list = new List<DeletionRow>();
            var path = PathIn(workspace);
            if (!File.Exists(path)) return list;
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(s, Utf8);
            using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, MissingFieldFound = null });
            if (!csv.Read() || !csv.ReadHeader()) return list;
            while (csv.Read())
            {
                var status = csv.GetField("status") ?? "";
                if (status.Length == 0) continue; // a torn row
                list.Add(new DeletionRow
                {
                    SourcePath = csv.GetField("source_path") ?? "", VersionId = csv.GetField("version_id") ?? "", FileType = csv.GetField("file_type") ?? "",
                    Size = long.TryParse(csv.GetField("size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0,
                    SourceETag = csv.GetField("source_etag") ?? "", NewPath = csv.GetField("new_s3_path") ?? "", BackupPath = csv.GetField("backup_path") ?? "",
                    Status = status, Reason = csv.GetField("reason") ?? "",
                    DeletedAt = DateTime.TryParse(csv.GetField("deleted_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : (DateTime?)null,
                });
            }
            return list;
        }

        private static bool EndsWithoutNewline(FileStream s)
        {
            s.Seek(-1, SeekOrigin.End);
            return s.ReadByte() != '\n';
        }

        private void Flush(bool toDisk)
        {
            _csv.Flush();
            _writer.Flush();
            if (toDisk) { _stream.Flush(true); _lastSync = DateTime.UtcNow; }
        }

        public void Dispose()
        {
            try { Flush(true); } catch (ObjectDisposedException) { }
            _csv.Dispose();
        }
    }
}
