using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace S3Migration.Workspace
{
    /// <summary>
    /// deletion_log.csv in the workspace, and its one reader: append-only, one row per object decided, each row
    /// flushed to the OS as it is written and to disk every second and at the end, as the copy journal does. Before
    /// each DeleteObjects request, an intent row (<see cref="DeletionRow.Deleting"/>) per key is flushed to disk, so a
    /// process killed at any moment leaves either an outcome or an intent for every key it may have deleted; the next
    /// run settles the intents against a listing. Earlier runs' rows stay; a re-run appends, and a source's last row is
    /// its outcome (<see cref="Outcomes"/>). Logs written before intents existed read the same.
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

        /// <summary>
        /// The intent rows of one DeleteObjects batch, on disk before this returns: a kill after the request leaves no
        /// deletion without a row.
        /// </summary>
        public void AppendIntents(IEnumerable<DeletionRow> rows)
        {
            foreach (var r in rows) Write(r, intent: true);
            Flush(true);
        }

        public void Append(DeletionRow row)
        {
            Write(row, intent: false);
            Flush(DateTime.UtcNow - _lastSync > TimeSpan.FromSeconds(1));
        }

        /// <summary>Everything appended so far, on disk.</summary>
        public void Sync() => Flush(true);

        private void Write(DeletionRow row, bool intent)
        {
            _csv.WriteField(row.SourcePath); _csv.WriteField(row.VersionId); _csv.WriteField(row.FileType);
            _csv.WriteField(row.Size.ToString(CultureInfo.InvariantCulture)); _csv.WriteField(row.SourceETag); _csv.WriteField(row.NewPath);
            _csv.WriteField(row.BackupPath); _csv.WriteField(intent ? DeletionRow.Deleting : row.Status); _csv.WriteField(row.Reason);
            _csv.WriteField(intent ? "" : row.DeletedAt?.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture) ?? "");
            _csv.NextRecord();
        }

        /// <summary>
        /// Every row of a workspace's log, intents included, in the order written (none when there is no log). A last
        /// line without its line ending was torn by a crash mid-write and is left out, as is any row whose status is
        /// not one the log writes.
        /// </summary>
        public static List<DeletionRow> Read(string workspace)
        {
            var list = new List<DeletionRow>();
            var path = PathIn(workspace);
            if (!File.Exists(path)) return list;
            string text;
            using (var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var r = new StreamReader(s, Utf8)) text = r.ReadToEnd();
            if (text.Length > 0 && text[text.Length - 1] != '\n') text = text.Substring(0, text.LastIndexOf('\n') + 1);
            using var reader = new StringReader(text);
            using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, MissingFieldFound = null });
            if (!csv.Read() || !csv.ReadHeader()) return list;
            while (csv.Read())
            {
                var status = csv.GetField("status") ?? "";
                if (!DeletionRow.IsStatus(status)) continue; // a torn row
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

        /// <summary>
        /// The outcome of each source the log names, by s3://bucket/key: its last row. A last row that is an intent
        /// (<see cref="DeletionRow.Deleting"/>) is an outcome not yet known: the run that wrote it stopped before the
        /// answer, and Remove-MigrationSource settles it against a listing before it does anything else.
        /// Other readers of deletion_log.csv (the final report) should ask this, not re-parse the file.
        /// </summary>
        public static Dictionary<string, DeletionRow> Outcomes(string workspace) => Outcomes(Read(workspace));

        public static Dictionary<string, DeletionRow> Outcomes(IEnumerable<DeletionRow> rows)
        {
            var last = new Dictionary<string, DeletionRow>(StringComparer.Ordinal);
            foreach (var r in rows) last[r.SourcePath] = r;
            return last;
        }

        /// <summary>The intents no later row settles, in the order written.</summary>
        public static List<DeletionRow> Unsettled(IEnumerable<DeletionRow> rows) =>
            Outcomes(rows).Values.Where(r => r.Status == DeletionRow.Deleting).ToList();

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
