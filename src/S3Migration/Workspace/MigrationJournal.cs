using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using S3Migration.Model;

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
        /// <summary>What earlier runs verified: the last verified row per source path (s3://bucket/key).</summary>
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
                    if (row.VerificationStatus == JournalRow.Verified) verified[row.OldPath] = row;
                    else verified.Remove(row.OldPath);
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

    /// <summary>Reads migration_log.csv for re-runs and for the integrity check, streaming.</summary>
    public static class JournalReader
    {
        /// <summary>The journal of a workspace, or an error that says to run the copy first.</summary>
        public static List<JournalRow> ReadWorkspace(string workspace)
        {
            var path = System.IO.Path.Combine(workspace, MigrationJournal.FileName);
            if (!File.Exists(path))
                throw new MigrationException("JournalNotFound", MigrationErrorKind.NotFound,
                    $"No {MigrationJournal.FileName} in '{workspace}': run Copy-PersonFiles with this -WorkspacePath first.", target: path);
            try { return ReadFile(path); }
            catch (InvalidDataException ex) { throw new MigrationException("JournalMalformed", MigrationErrorKind.InvalidData, ex.Message, ex, path); }
        }

        public static List<JournalRow> ReadFile(string path)
        {
            var rows = new List<JournalRow>();
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            Read(s, rows.Add);
            return rows;
        }

        /// <summary>
        /// Hands every complete row to <paramref name="onRow"/> and returns the byte length of the header and the
        /// complete rows. A row is complete when it ends with a newline outside quotes and has every column, so a
        /// crash mid-row is never mistaken for data.
        /// </summary>
        public static long Read(Stream stream, Action<JournalRow> onRow) => Read(stream, onRow, out _);

        /// <param name="width">the journal's column count: JournalRow.Columns, or the first version's 18 (0 for an empty file)</param>
        public static long Read(Stream stream, Action<JournalRow> onRow, out int width)
        {
            width = 0;
            stream.Seek(0, SeekOrigin.Begin);
            var buffer = new byte[1 << 16];
            var record = new MemoryStream();
            long good = 0, position = 0;
            var inQuotes = false;
            var header = true;
            var line = 1;
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (var i = 0; i < n; i++, position++)
                {
                    var b = buffer[i];
                    record.WriteByte(b);
                    // '"' and '\n' never occur inside a multi-byte UTF-8 sequence, so bytes can be scanned directly.
                    if (b == (byte)'"') { inQuotes = !inQuotes; continue; }
                    if (b != (byte)'\n' || inQuotes) continue;
                    var fields = ParseRecord(Encoding.UTF8.GetString(record.GetBuffer(), 0, (int)record.Length));
                    record.SetLength(0);
                    if (header)
                    {
                        // Never cut a file that is not a journal: only a journal's own torn tail is cut off.
                        if (fields == null || !IsHeader(fields)) throw NotAJournal();
                        width = fields.Length;
                        header = false;
                        good = position + 1;
                        continue;
                    }
                    line++;
                    if (fields == null || fields.Length != width)
                    {
                        // Only a torn tail is a crash's doing and cut off. A bad row with rows after it is damage (an
                        // edit by hand, say): cutting there would delete every later row, so refuse and keep the file.
                        if (position + 1 < stream.Length)
                            throw new InvalidDataException($"{MigrationJournal.FileName} row {line - 1} (after the header) has {fields?.Length ?? 0} fields instead of {width}, and rows follow it; repair that line. The journal was left as it is.");
                        stream.Seek(0, SeekOrigin.End);
                        return good;
                    }
                    onRow(JournalRow.FromFields(fields));
                    good = position + 1;
                }
            }
            // A header torn before its newline is ours only if it is the start of our header.
            if (header && record.Length > 0 && !string.Join(",", JournalRow.Columns).StartsWith(Encoding.UTF8.GetString(record.GetBuffer(), 0, (int)record.Length), StringComparison.Ordinal))
                throw NotAJournal();
            stream.Seek(0, SeekOrigin.End);
            return good;
        }

        /// <summary>The current header, or the first version's (its first 18 columns).</summary>
        private static bool IsHeader(string[] fields) =>
            fields.SequenceEqual(JournalRow.Columns) || fields.SequenceEqual(JournalRow.Columns.Take(JournalRow.FirstVersionColumns));

        private static InvalidDataException NotAJournal() =>
            new InvalidDataException($"{MigrationJournal.FileName} does not start with the journal's header; is this a migration workspace? It was left as it is.");

        /// <summary>
        /// The fields of one complete record (RFC 4180: quoted fields with doubled quotes may hold commas and newlines).
        /// Written by hand because the journal is read once per run and holds a row per attempt: a parser per row is slow.
        /// </summary>
        private static string[]? ParseRecord(string text)
        {
            var end = text.Length;
            if (end > 0 && text[end - 1] == '\n') end--;
            if (end > 0 && text[end - 1] == '\r') end--;
            if (end == 0) return null;
            var fields = new List<string>(JournalRow.Columns.Length);
            var sb = new StringBuilder();
            var i = 0;
            while (true)
            {
                sb.Clear();
                if (i < end && text[i] == '"')
                {
                    for (i++; i < end; i++)
                    {
                        if (text[i] != '"') { sb.Append(text[i]); continue; }
                        if (i + 1 < end && text[i + 1] == '"') { sb.Append('"'); i++; continue; }
                        i++;
                        break;
                    }
                    while (i < end && text[i] != ',') sb.Append(text[i++]);
                }
                else
                    while (i < end && text[i] != ',') sb.Append(text[i++]);
                fields.Add(sb.ToString());
                if (i >= end) return fields.ToArray();
                i++; // the comma
            }
        }
    }
}
