using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace S3Migration.Workspace
{
    /// <summary>
    /// deletion_log.csv in the workspace, and its one reader: append-only, one row per object decided, each row
    /// flushed to the OS as it is written and to disk every second and at the end, as the copy journal does
    /// (<see cref="AppendOnlyCsvLog"/>). Before each DeleteObjects request, an intent row (<see cref="DeletionRow.Deleting"/>)
    /// per key is flushed to disk, so a process killed at any moment leaves either an outcome or an intent for every key
    /// it may have deleted; the next run settles the intents against a listing. Earlier runs' rows stay; a re-run appends, and a source's last row is
    /// its outcome (<see cref="Outcomes"/>). Logs written before intents existed read the same.
    /// </summary>
    public sealed class DeletionJournal : IDisposable
    {
        public const string FileName = "deletion_log.csv";

        private readonly AppendOnlyCsvLog _log;

        private DeletionJournal(AppendOnlyCsvLog log) => _log = log;

        public static string PathIn(string workspace) => Path.Combine(workspace, FileName);

        /// <summary>
        /// Opens (or creates) the log; one writer at a time (others may read). A torn last row stays, its line ended so
        /// the next row is whole; <see cref="Read"/> leaves it out.
        /// </summary>
        public static DeletionJournal Open(string workspace) =>
            new DeletionJournal(AppendOnlyCsvLog.Open(PathIn(workspace), DeletionRow.Columns, FileShare.Read));

        /// <summary>
        /// The intent rows of one DeleteObjects batch, on disk before this returns: a kill after the request leaves no
        /// deletion without a row.
        /// </summary>
        public void AppendIntents(IEnumerable<DeletionRow> rows) => _log.AppendSynced(rows.Select(r => Fields(r, intent: true)));

        public void Append(DeletionRow row) => _log.Append(Fields(row, intent: false));

        /// <summary>Everything appended so far, on disk.</summary>
        public void Sync() => _log.Sync();

        public void Dispose() => _log.Dispose();

        /// <summary>A row's fields in <see cref="DeletionRow.Columns"/>' order; an intent has its status and no deletion time.</summary>
        private static string[] Fields(DeletionRow row, bool intent) =>
        [
            row.SourcePath, row.VersionId, row.FileType, row.Size.ToString(CultureInfo.InvariantCulture), row.SourceETag, row.NewPath,
            row.BackupPath, intent ? DeletionRow.Deleting : row.Status, OneLine(row.Reason),
            intent ? "" : row.DeletedAt?.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture) ?? "",
        ];

        /// <summary>
        /// A reason (free text, such as S3's message) on one line: a row torn by a crash is then exactly the log's last
        /// partial line, which the log cuts off whole when it is next opened (AppendOnlyCsvLog).
        /// </summary>
        private static string OneLine(string text) =>
            text.IndexOfAny(new[] { '\r', '\n' }) < 0 ? text : text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');

        /// <summary>
        /// Every row of a workspace's log, intents included, in the order written (none when there is no log). A last
        /// line without its line ending was torn by a crash mid-write and is left out, as is any row whose status is
        /// not one the log writes.
        /// </summary>
        public static List<DeletionRow> Read(string workspace) =>
            AppendOnlyCsvLog.ReadRows(PathIn(workspace), csv =>
            {
                var status = csv.GetField("status") ?? "";
                if (!DeletionRow.IsStatus(status)) return null; // a torn row
                return new DeletionRow
                {
                    SourcePath = csv.GetField("source_path") ?? "", VersionId = csv.GetField("version_id") ?? "", FileType = csv.GetField("file_type") ?? "",
                    Size = long.TryParse(csv.GetField("size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0,
                    SourceETag = csv.GetField("source_etag") ?? "", NewPath = csv.GetField("new_s3_path") ?? "", BackupPath = csv.GetField("backup_path") ?? "",
                    Status = status, Reason = csv.GetField("reason") ?? "",
                    DeletedAt = DateTime.TryParse(csv.GetField("deleted_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : (DateTime?)null,
                };
            });

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
    }
}
