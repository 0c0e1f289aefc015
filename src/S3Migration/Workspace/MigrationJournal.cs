using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace S3Migration.Workspace
{
    /// <summary>
    /// migration_log.csv, the copy journal: append-only, one row per attempt, flushed to the OS as each row is
    /// written (so a killed process loses nothing it reported) and to disk every second and at the end
    /// (<see cref="AppendOnlyCsvLog"/>). Opening it reads what earlier runs recorded; a row torn by a crash is cut off and
    /// reported, never parsed.
    /// </summary>
    public sealed class MigrationJournal : IDisposable
    {
        public const string FileName = "migration_log.csv";
        public const string LockFileName = "migration_log.lock";

        private readonly AppendOnlyCsvLog _log;
        /// <summary>Fields per row: an older journal is appended to in its own shape, so every row matches its header.</summary>
        private readonly int _width;

        private MigrationJournal(string path, AppendOnlyCsvLog log, VerifiedRows verified, int rows, int width)
        {
            _width = width == 0 ? JournalRow.Columns.Length : width;
            Path = path;
            _verified = verified;
            EarlierRows = rows;
            _log = log;
        }

        public string Path { get; }
        /// <summary>What earlier runs verified, by source path (s3://bucket/key): the resume's meaning (<see cref="CopyJournal.TakeForResume"/>).</summary>
        /// <remarks>A digest and a file offset per source; a lookup reads its row back (issue 13: flat memory on a re-run).</remarks>
        public IReadOnlyDictionary<string, JournalRow> Verified => _verified;
        private readonly VerifiedRows _verified;
        /// <summary>How many rows earlier runs wrote.</summary>
        public int EarlierRows { get; }
        /// <summary>Bytes of a torn last row that were cut off when the journal was opened.</summary>
        public long TornBytes => _log.TornBytes;

        /// <summary>Opens (or creates) the journal in a workspace folder.</summary>
        /// <param name="fileName">
        /// the journal's file name: migration_log.csv for the copy; another for a run that must not mix its rows with
        /// the copy's (backup_log.csv of Backup-MigrationSource). Its lock file is the same name with .lock.
        /// </param>
        public static MigrationJournal Open(string workspace, string fileName = FileName)
        {
            var path = System.IO.Path.Combine(workspace, fileName);
            // One writer per journal: an exclusive lock file, held until Dispose, so a second run fails here instead of
            // interleaving rows. Readers of the journal itself are not blocked.
            var lockName = fileName == FileName ? LockFileName : System.IO.Path.ChangeExtension(fileName, ".lock");
            var verified = VerifiedRows.Filling(path);
            int rows = 0, width = 0;
            var log = AppendOnlyCsvLog.Open(path, JournalRow.Columns, FileShare.ReadWrite, System.IO.Path.Combine(workspace, lockName),
                complete: stream => JournalReader.Read(stream, (row, at) =>
                {
                    rows++;
                    // A later failed or conflicting attempt (say, the source changed) withdraws an earlier verification.
                    verified.Take(row, at);
                }, out width));
            verified.Width = width;
            try { verified.Attach(); }
            catch { log.Dispose(); throw; }
            return new MigrationJournal(path, log, verified, rows, width);
        }

        public void Append(JournalRow row) => _log.Append(row.ToFields().Take(_width));

        public void Dispose()
        {
            _verified.Dispose();
            _log.Dispose();
        }
    }
}
