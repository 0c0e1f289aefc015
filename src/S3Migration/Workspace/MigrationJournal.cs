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
    /// migration_log.csv, the copy journal: append-only, one row per attempt, flushed to the OS as each row is
    /// written (so a killed process loses nothing it reported) and to disk every second and at the end.
    /// Opening it reads what earlier runs recorded; a row torn by a crash is cut off and reported, never parsed.
    /// </summary>
    public sealed class MigrationJournal : IDisposable
    {
        public const string FileName = "migration_log.csv";
        public const string LockFileName = "migration_log.lock";
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        private readonly FileStream _stream;
        private readonly StreamWriter _writer;
        private readonly CsvWriter _csv;
        private DateTime _lastSync = DateTime.UtcNow;
        private FileStream? _lock;
        /// <summary>Fields per row: an older journal is appended to in its own shape, so every row matches its header.</summary>
        private readonly int _width;

        private MigrationJournal(string path, FileStream stream, long good, Dictionary<string, JournalRow> verified, int rows, long tornBytes, int width)
        {
            _width = width == 0 ? JournalRow.Columns.Length : width;
            Path = path;
            Verified = verified;
            EarlierRows = rows;
            TornBytes = tornBytes;
            _stream = stream;
            _stream.SetLength(good);
            _stream.Seek(0, SeekOrigin.End);
            _writer = new StreamWriter(_stream, Utf8) { AutoFlush = false };
            _csv = new CsvWriter(_writer, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" });
            if (good == 0)
            {
                foreach (var c in JournalRow.Columns) _csv.WriteField(c);
                _csv.NextRecord();
                Flush(true);
            }
        }

        public string Path { get; }
        /// <summary>What earlier runs verified, by source path (s3://bucket/key): the resume's meaning (<see cref="CopyJournal.TakeForResume"/>).</summary>
        public IReadOnlyDictionary<string, JournalRow> Verified { get; }
        /// <summary>How many rows earlier runs wrote.</summary>
        public int EarlierRows { get; }
        /// <summary>Bytes of a torn last row that were cut off when the journal was opened.</summary>
        public long TornBytes { get; }

        /// <summary>Opens (or creates) the journal in a workspace folder.</summary>
        /// <param name="fileName">
        /// the journal's file name: migration_log.csv for the copy; another for a run that must not mix its rows with
        /// the copy's (backup_log.csv of Backup-MigrationSource). Its lock file is the same name with .lock.
        /// </param>
        public static MigrationJournal Open(string workspace, string fileName = FileName)
        {
            var path = System.IO.Path.Combine(workspace, fileName);
            // One writer per journal: an exclusive lock file (flock on Unix), held until Dispose, so a second run
            // fails here instead of interleaving rows. Readers of the journal itself are not blocked.
            var lockName = fileName == FileName ? LockFileName : System.IO.Path.ChangeExtension(fileName, ".lock");
            var lockFile = new FileStream(System.IO.Path.Combine(workspace, lockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            FileStream? stream = null;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
                var verified = new Dictionary<string, JournalRow>(StringComparer.Ordinal);
                var rows = 0;
                var good = JournalReader.Read(stream, row =>
                {
                    rows++;
                    // A later failed or conflicting attempt (say, the source changed) withdraws an earlier verification.
                    CopyJournal.TakeForResume(verified, row, r => r);
                }, out var width);
                return new MigrationJournal(path, stream, good, verified, rows, stream.Length - good, good == 0 ? 0 : width) { _lock = lockFile };
            }
            catch
            {
                stream?.Dispose();
                lockFile.Dispose();
                throw;
            }
        }

        public void Append(JournalRow row)
        {
            foreach (var f in row.ToFields().Take(_width)) _csv.WriteField(f);
            _csv.NextRecord();
            Flush(DateTime.UtcNow - _lastSync > TimeSpan.FromSeconds(1));
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
            _lock?.Dispose();
        }
    }
}
