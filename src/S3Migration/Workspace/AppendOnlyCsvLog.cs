using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace S3Migration.Workspace
{
    /// <summary>
    /// The durability rules of the workspace's append-only CSV files (migration_log.csv, backup_log.csv,
    /// deletion_log.csv, multipart_uploads.csv), written once: the header when the file is new; a row torn by a crash
    /// never glued to the next one; each row flushed to the OS as it is written (so a killed process loses nothing it
    /// reported), and to disk every second, at once when asked and at the end. Which file, which columns and what a row
    /// holds are each log's own.
    /// </summary>
    public sealed class AppendOnlyCsvLog : IDisposable
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);
        /// <summary>How long a row flushed to the OS may wait before it is forced to disk.</summary>
        private static readonly TimeSpan SyncEvery = TimeSpan.FromSeconds(1);

        private readonly FileStream _stream;
        private readonly StreamWriter _writer;
        private readonly CsvWriter _csv;
        private readonly FileStream? _lock;
        private DateTime _lastSync = DateTime.UtcNow;

        private AppendOnlyCsvLog(FileStream stream, Func<FileStream, long>? complete, IEnumerable<string> header, FileStream? lockFile, bool shared)
        {
            _stream = stream;
            _lock = lockFile;
            long keep;
            if (complete != null)
            {
                keep = complete(_stream);
                TornBytes = _stream.Length - keep;
                _stream.SetLength(keep);
            }
            else if (!shared)
            {
                // A torn last row (a crash mid-write) is cut off: ended and kept, a row torn inside a quoted field would
                // open a quote that swallows every row appended after it, for every reader.
                keep = _stream.Length > 0 && EndsWithoutNewline(_stream) ? CompleteLength(_stream) : _stream.Length;
                TornBytes = _stream.Length - keep;
                _stream.SetLength(keep);
            }
            else
            {
                // Written by several processes at once (a line each): a last line without its newline may be another
                // writer's, half-way through. Nothing is cut; this row starts on a line of its own.
                keep = _stream.Length;
                if (keep > 0 && EndsWithoutNewline(_stream)) { _stream.Seek(0, SeekOrigin.End); _stream.WriteByte((byte)'\n'); }
            }
            _stream.Seek(0, SeekOrigin.End);
            _writer = new StreamWriter(_stream, Utf8) { AutoFlush = false };
            _csv = new CsvWriter(_writer, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" });
            if (keep == 0)
            {
                foreach (var c in header) _csv.WriteField(c);
                _csv.NextRecord();
                Flush(true);
            }
        }

        /// <summary>
        /// The byte length of the complete rows of a file that does not end with a newline: up to its last newline, so
        /// nothing before the torn row is ever cut. Logs without a <c>complete</c> reader keep their free text to one line
        /// (DeletionJournal's reasons), so their torn row is that last partial line (keys with line breaks aside).
        /// </summary>
        private static long CompleteLength(FileStream s)
        {
            for (var position = s.Length - 1; position >= 0; position--)
            {
                s.Seek(position, SeekOrigin.Begin);
                if (s.ReadByte() == '\n') return position + 1;
            }
            return 0;
        }

        /// <summary>Bytes of a torn last row that were cut off when the log was opened.</summary>
        public long TornBytes { get; }

        /// <summary>Opens (or creates, with <paramref name="header"/>) the log at <paramref name="path"/> to append to it.</summary>
        /// <param name="share">what others may do with the file meanwhile (<see cref="FileShare.Read"/>: one writer at a time)</param>
        /// <param name="lockPath">
        /// an exclusive lock file (flock on Unix) held until Dispose, taken before the log is opened, so a second writer
        /// fails here instead of interleaving rows; readers of the log itself are not blocked. Null: none.
        /// </param>
        /// <param name="complete">
        /// reads the rows already there and returns the byte length of the header and the complete rows: what follows, a
        /// row torn by a crash, is cut off (<see cref="TornBytes"/>). Null: a last line without
        /// its line ending (a row torn by a crash) is cut off when the log is opened, and left out by readers (<see cref="ReadRows{T}"/>).
        /// </param>
        /// <param name="shared">
        /// several processes append at once, a line each (multipart_uploads.csv): an unfinished last line is never cut,
        /// it may be another writer's; the new row starts on a line of its own.
        /// </param>
        public static AppendOnlyCsvLog Open(string path, IEnumerable<string> header, FileShare share, string? lockPath = null, Func<FileStream, long>? complete = null, bool shared = false)
        {
            var lockFile = lockPath == null ? null : new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            FileStream? stream = null;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share);
                return new AppendOnlyCsvLog(stream, complete, header, lockFile, shared);
            }
            catch
            {
                stream?.Dispose();
                lockFile?.Dispose();
                throw;
            }
        }

        /// <summary>One row, flushed to the OS now and to disk within a second.</summary>
        public void Append(IEnumerable<string> fields)
        {
            Write(fields);
            Flush(DateTime.UtcNow - _lastSync > SyncEvery);
        }

        /// <summary>Rows that must be on disk before this returns (an intent ahead of the request it announces).</summary>
        public void AppendSynced(IEnumerable<IEnumerable<string>> rows)
        {
            foreach (var r in rows) Write(r);
            Flush(true);
        }

        /// <summary>Everything appended so far, on disk.</summary>
        public void Sync() => Flush(true);

        private void Write(IEnumerable<string> fields)
        {
            foreach (var f in fields) _csv.WriteField(f);
            _csv.NextRecord();
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

        /// <summary>
        /// Every row of a log opened without <c>complete</c>, by the header's column names, in the order written (none when
        /// there is no file). A last line without its line ending was torn by a crash mid-write and is left out, as is
        /// every row <paramref name="row"/> answers null for (a torn row whose line a later run ended).
        /// </summary>
        public static List<T> ReadRows<T>(string path, Func<IReaderRow, T?> row) where T : class
        {
            var list = new List<T>();
            if (!File.Exists(path)) return list;
            string text;
            using (var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var r = new StreamReader(s, Utf8)) text = r.ReadToEnd();
            if (text.Length > 0 && text[text.Length - 1] != '\n') text = text.Substring(0, text.LastIndexOf('\n') + 1);
            using var reader = new StringReader(text);
            using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, MissingFieldFound = null });
            if (!csv.Read() || !csv.ReadHeader()) return list;
            while (csv.Read())
                if (row(csv) is { } value) list.Add(value);
            return list;
        }

        private static bool EndsWithoutNewline(FileStream s)
        {
            s.Seek(-1, SeekOrigin.End);
            return s.ReadByte() != '\n';
        }
    }
}
