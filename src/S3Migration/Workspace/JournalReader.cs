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
                    onRow(JournalRow.FromFields(fields), good);
                    good = position + 1;
                }
            }
            // A header torn before its newline is ours only if it is the start of our header.
            if (header && record.Length > 0 && !string.Join(",", JournalRow.Columns).StartsWith(Encoding.UTF8.GetString(record.GetBuffer(), 0, (int)record.Length), StringComparison.Ordinal))
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
                        var fields = ParseRecord(Encoding.UTF8.GetString(record.GetBuffer(), 0, (int)record.Length));
                        return fields != null && fields.Length == width ? JournalRow.FromFields(fields) : null;
                    }
                }
                record.Write(buffer, 0, n);
                offset += n;
            }
            return null;
        }

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
