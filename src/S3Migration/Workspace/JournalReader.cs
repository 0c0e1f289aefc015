using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace S3Migration.Workspace
{
    /// <summary>
    /// The parser of migration_log.csv (and of backup_log.csv, which has its columns): complete rows only, in any of the
    /// journal's shapes. What the rows mean is <see cref="CopyJournal"/>'s to say.
    /// </summary>
    public static class JournalReader
    {
        /// <summary>Every row of a journal file, in order (the workspace's: <see cref="CopyJournal.Attempts"/>).</summary>
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

        /// <param name="width">the journal's column count: one of <see cref="JournalRow.Widths"/> (0 for an empty file)</param>
        public static long Read(Stream stream, Action<JournalRow> onRow, out int width) => Read(stream, (row, _) => onRow(row), out width);

        /// <param name="onRow">each row with the byte offset it starts at, for <see cref="ReadRowAt"/></param>
        public static long Read(Stream stream, Action<JournalRow, long> onRow, out int width)
        {
            width = 0;
            stream.Seek(0, SeekOrigin.Begin);
            // The bytes not yet handed out are buf[start..end); a record longer than the buffer grows it. Records are
            // found with vectorised searches for '"' and '\n' and parsed from the bytes, not a byte at a time (issue 13:
            // a journal of millions of rows is read by every phase).
            var buf = new byte[1 << 16];
            int start = 0, end = 0, scan = 0;
            long consumed = 0, good = 0;
            var inQuotes = false;
            var header = true;
            var line = 1;
            var parser = new RecordParser();
            while (true)
            {
                var found = -1;
                var i = start + scan;
                while (i < end)
                {
                    var rest = buf.AsSpan(i, end - i);
                    // '"' and '\n' never occur inside a multi-byte UTF-8 sequence, so bytes can be scanned directly.
                    var k = inQuotes ? rest.IndexOf((byte)'"') : rest.IndexOfAny((byte)'"', (byte)'\n');
                    if (k < 0) { i = end; break; }
                    i += k;
                    if (buf[i] == (byte)'"') { inQuotes = !inQuotes; i++; continue; }
                    found = i;
                    break;
                }
                if (found < 0)
                {
                    scan = end - start;
                    if (start > 0) { Buffer.BlockCopy(buf, start, buf, 0, end - start); end -= start; start = 0; }
                    if (end == buf.Length) Array.Resize(ref buf, buf.Length * 2);
                    var n = stream.Read(buf, end, buf.Length - end);
                    if (n == 0) break;
                    end += n;
                    continue;
                }
                var after = consumed + (found + 1 - start);
                var fields = parser.Parse(buf.AsSpan(start, found + 1 - start));
                consumed = after;
                start = found + 1;
                scan = 0;
                if (header)
                {
                    // Never cut a file that is not a journal: only a journal's own torn tail is cut off.
                    if (fields == null || !IsHeader(fields)) throw NotAJournal();
                    width = fields.Length;
                    header = false;
                    good = after;
                    continue;
                }
                line++;
                if (fields == null || fields.Length != width)
                {
                    // Only a torn tail is a crash's doing and cut off. A bad row with rows after it is damage (an
                    // edit by hand, say): cutting there would delete every later row, so refuse and keep the file.
                    if (after < stream.Length)
                        throw new InvalidDataException($"{MigrationJournal.FileName} row {line - 1} (after the header) has {fields?.Length ?? 0} fields instead of {width}, and rows follow it; repair that line. The journal was left as it is.");
                    stream.Seek(0, SeekOrigin.End);
                    return good;
                }
                onRow(JournalRow.FromFields(fields), good); // good: where this row starts
                good = after;
            }
            // A header torn before its newline is ours only if it is the start of our header.
            if (header && end > start && !string.Join(",", JournalRow.Columns).StartsWith(Encoding.UTF8.GetString(buf, start, end - start), StringComparison.Ordinal))
                throw NotAJournal();
            stream.Seek(0, SeekOrigin.End);
            return good;
        }

        /// <summary>The current header, or an older version's (its first 18 or 21 columns).</summary>
        private static bool IsHeader(string[] fields) =>
            JournalRow.Widths.Any(w => fields.Length == w && fields.SequenceEqual(JournalRow.Columns.Take(w)));

        private static InvalidDataException NotAJournal() =>
            new InvalidDataException($"{MigrationJournal.FileName} does not start with the journal's header; is this a migration workspace? It was left as it is.");

        /// <summary>
        /// The complete row that starts at <paramref name="offset"/> (an offset <see cref="Read(Stream, Action{JournalRow, long}, out int)"/>
        /// gave), or null when none does: the file's end, or a record of another width. Positional reads: callers on several
        /// threads may share one handle.
        /// </summary>
        public static JournalRow? ReadRowAt(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, int width)
        {
            var record = new MemoryStream();
            var buffer = new byte[4096];
            var inQuotes = false;
            int n;
            while ((n = RandomAccess.Read(file, buffer, offset)) > 0)
            {
                for (var i = 0; i < n; i++)
                {
                    var b = buffer[i];
                    if (b == (byte)'"') inQuotes = !inQuotes;
                    else if (b == (byte)'\n' && !inQuotes)
                    {
                        record.Write(buffer, 0, i + 1);
                        var fields = new RecordParser().Parse(record.GetBuffer().AsSpan(0, (int)record.Length));
                        return fields != null && fields.Length == width ? JournalRow.FromFields(fields) : null;
                    }
                }
                record.Write(buffer, 0, n);
                offset += n;
            }
            return null;
        }

        /// <summary>
        /// The fields of one complete record (RFC 4180: quoted fields with doubled quotes may hold commas and newlines),
        /// parsed from its UTF-8 bytes. Written by hand because the journal holds a row per attempt and is read by every
        /// phase. A column that holds the same bytes as in the row before (a bucket, a status, a person's row id) gets
        /// the same string, so a journal of millions of rows does not make millions of copies of "verified".
        /// </summary>
        private sealed class RecordParser
        {
            private readonly List<string> _fields = new List<string>(JournalRow.Columns.Length);
            private byte[][] _lastBytes = Array.Empty<byte[]>();
            private string[] _lastText = Array.Empty<string>();
            private int[] _lastLength = Array.Empty<int>();
            private byte[] _unquoted = new byte[256];
            private const int MaxKept = 64;

            public string[]? Parse(ReadOnlySpan<byte> record)
            {
                var end = record.Length;
                if (end > 0 && record[end - 1] == (byte)'\n') end--;
                if (end > 0 && record[end - 1] == (byte)'\r') end--;
                if (end == 0) return null;
                record = record.Slice(0, end);
                _fields.Clear();
                var i = 0;
                while (true)
                {
                    ReadOnlySpan<byte> value;
                    if (i < end && record[i] == (byte)'"')
                    {
                        // Unquoted into a scratch buffer: doubled quotes become one; whatever follows the closing quote
                        // up to the comma is kept, as the parser this replaces did.
                        var n = 0;
                        for (i++; i < end; i++)
                        {
                            if (record[i] != (byte)'"') { Put(ref n, record[i]); continue; }
                            if (i + 1 < end && record[i + 1] == (byte)'"') { Put(ref n, (byte)'"'); i++; continue; }
                            i++;
                            break;
                        }
                        while (i < end && record[i] != (byte)',') Put(ref n, record[i++]);
                        value = _unquoted.AsSpan(0, n);
                    }
                    else
                    {
                        var comma = record.Slice(i).IndexOf((byte)',');
                        var length = comma < 0 ? end - i : comma;
                        value = record.Slice(i, length);
                        i += length;
                    }
                    _fields.Add(Text(_fields.Count, value));
                    if (i >= end) return _fields.ToArray();
                    i++; // the comma
                }
            }

            private void Put(ref int n, byte b)
            {
                if (n == _unquoted.Length) Array.Resize(ref _unquoted, n * 2);
                _unquoted[n++] = b;
            }

            private string Text(int column, ReadOnlySpan<byte> value)
            {
                if (value.Length == 0) return "";
                if (column >= _lastText.Length)
                {
                    Array.Resize(ref _lastText, column + 1);
                    Array.Resize(ref _lastBytes, column + 1);
                    Array.Resize(ref _lastLength, column + 1);
                }
                var last = _lastBytes[column];
                if (last != null && value.SequenceEqual(last.AsSpan(0, _lastLength[column]))) return _lastText[column];
                var text = Encoding.UTF8.GetString(value);
                // Only short values repeat from row to row (statuses, buckets, ids); a long one is not kept.
                if (value.Length <= MaxKept)
                {
                    last ??= _lastBytes[column] = new byte[MaxKept];
                    value.CopyTo(last);
                    _lastLength[column] = value.Length;
                    _lastText[column] = text;
                }
                return text;
            }
        }
    }
}
