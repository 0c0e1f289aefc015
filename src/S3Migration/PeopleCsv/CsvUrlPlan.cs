using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using S3Migration.Model;

namespace S3Migration.PeopleCsv
{
    /// <summary>
    /// What Update-OutputCsv will do to one CSV: the comparison, every problem, and the means to write, prove and list the
    /// changes. It keeps no row: each of those plans the rows again from the file (<see cref="CsvRowPlanner"/>), and
    /// every such pass checks that it read the bytes the plan was made from (their MD5), so nothing planned from one
    /// content is ever applied to another.
    /// </summary>
    public sealed class CsvUrlPlan
    {
        private readonly CsvRowPlanner _planner;
        private Func<Stream> _open;

        internal CsvUrlPlan(string path, Func<Stream> open, string md5, CsvRowPlanner planner)
        {
            Path = path; _open = open; OriginalMd5 = md5; _planner = planner;
        }

        public string Path { get; }
        /// <summary>The MD5 of the CSV the plan was made from.</summary>
        public string OriginalMd5 { get; }
        /// <summary>Every change, for a plan of bytes in memory (<see cref="CsvUrlUpdater.Plan(string, byte[], IReadOnlyList{ExpectedCopy}, CsvUpdateOptions)"/>); empty otherwise, see <see cref="EachChange"/>.</summary>
        public List<CsvUrlChange> Changes { get; } = new List<CsvUrlChange>();
        public List<CsvProblem> Problems { get; } = new List<CsvProblem>();
        /// <summary>Things to tell the operator that do not stop the update (people the CSV does not know).</summary>
        public List<string> Warnings { get; } = new List<string>();
        public CsvUpdateComparison Comparison { get; } = new CsvUpdateComparison();
        /// <summary>The new text, for a plan of bytes in memory; "" otherwise.</summary>
        public string NewText { get; private set; } = "";
        public bool HasChanges { get; internal set; }

        /// <summary>Reads the rows from <paramref name="path"/> from now on (after the swap: the backup, which holds the same bytes).</summary>
        internal void RereadFrom(string path) => _open = () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);

        /// <summary>Plans every record again, in order; <paramref name="row"/> gets null for the header and blank lines.</summary>
        internal void ForEachRow(Action<int, CsvRecord, CsvRowPlan?> row, CsvRowPlanner.Tally? tally = null)
        {
            using var reader = CsvRecordReader.Open(_open, Path);
            var ri = 0;
            foreach (var rec in reader.All())
            {
                row(ri, rec, ri == 0 || rec.Blank ? null : _planner.Row(rec, tally));
                ri++;
            }
            if (reader.Md5 != OriginalMd5) throw Changed();
        }

        private MigrationException Changed() => new MigrationException("CsvChanged", MigrationErrorKind.InvalidData,
            $"'{Path}' changed while it was being updated (another program wrote to it). It was left as that program wrote it; run the command again.", target: Path);

        /// <summary>Every change, planned again from the file, one at a time (nothing is collected).</summary>
        public IEnumerable<CsvUrlChange> EachChange()
        {
            using var reader = CsvRecordReader.Open(_open, Path);
            var ri = 0;
            foreach (var rec in reader.All())
            {
                if (ri++ == 0 || rec.Blank) continue;
                foreach (var c in _planner.Row(rec, null).Changes) yield return c;
            }
            if (reader.Md5 != OriginalMd5) throw Changed();
        }

        /// <summary>The record with its planned cells replaced and the new columns appended; all else copied as it was.</summary>
        private string Render(CsvRecord rec, CsvRowPlan? row, int ri)
        {
            var extra = ri == 0 ? (_planner.Added.Count > 0 ? _planner.Added.ToArray() : null) : row?.Appended;
            if ((row == null || row.Cells.Count == 0) && extra == null) return rec.Text + rec.Terminator;
            var text = rec.Text!;
            var sb = new StringBuilder(text.Length + 64);
            var pos = 0;
            for (var fi = 0; fi < rec.Fields.Count; fi++)
            {
                var f = rec.Fields[fi];
                sb.Append(text, pos, f.Start - pos);
                if (row != null && row.Cells.TryGetValue(fi, out var v)) sb.Append(CsvText.Format(v, f.Quoted));
                else sb.Append(text, f.Start, f.Length);
                pos = f.Start + f.Length;
            }
            sb.Append(text, pos, rec.End - pos);
            if (extra != null) foreach (var e in extra) sb.Append(',').Append(CsvText.Format(e, false));
            return sb.Append(rec.Terminator).ToString();
        }

        /// <summary>Writes the new file to <paramref name="output"/> (the encoding and BOM of the original); returns the MD5 of what it wrote.</summary>
        internal string WriteTo(Stream output)
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            Encoding? encoding = null;
            var buffer = new byte[1 << 12];
            void Put(byte[] b, int n) { output.Write(b, 0, n); md5.AppendData(b, 0, n); }
            using (var probe = CsvRecordReader.Open(_open, Path))
            {
                encoding = probe.Encoding;
                Put(probe.Preamble, probe.Preamble.Length);
            }
            _written = 0;
            ForEachRow((ri, rec, row) =>
            {
                var s = Render(rec, row, ri);
                // The record is proven as it is written: parsed back, it must be the plan, every other cell unchanged to
                // the byte. The file read back is then proven to be these bytes (Verify).
                if (CheckRendered(rec, row, ri, s) is { } problem) throw new InvalidDataException(problem);
                _written++;
                var n = encoding.GetMaxByteCount(s.Length);
                if (n > buffer.Length) buffer = new byte[Math.Max(n, buffer.Length * 2)];
                Put(buffer, encoding.GetBytes(s, 0, s.Length, buffer, 0));
            });
            return Hex.Lower(md5.GetHashAndReset());
        }

        /// <summary>Fills <see cref="NewText"/> and <see cref="Changes"/> (a plan of bytes in memory).</summary>
        internal void Materialize()
        {
            var sb = new StringBuilder();
            ForEachRow((ri, rec, row) =>
            {
                sb.Append(Render(rec, row, ri));
                if (row != null) Changes.AddRange(row.Changes);
            });
            NewText = sb.ToString();
        }

        private long _written;

        /// <summary>Null when the rendered record <paramref name="text"/> is what the plan makes of <paramref name="o"/>, else what is wrong.</summary>
        private string? CheckRendered(CsvRecord o, CsvRowPlan? row, int ri, string text)
        {
            CsvRecord? w;
            try
            {
                var (first, more) = CsvRecordReader.ParseOne(text, Path);
                if (more) return $"line {o.Line} became more than one record";
                w = first;
            }
            catch (MigrationException ex) { return "the new file does not parse: " + ex.Message; }
            if (w == null) return $"line {o.Line} went missing";
            var appended = ri == 0 ? _planner.Added.ToArray() : row?.Appended;
            if (Compare(o, w, row, appended) is { } problem) return problem;
            if (row == null) return null;
            foreach (var cell in row.Targets)
            {
                var value = w.Fields[cell.Key].Value;
                foreach (var key in cell.Value)
                    if (!value.Contains(key) && !value.Contains(S3Url.Encode(key))) return $"line {o.Line} does not name '{key}'";
            }
            return null;
        }

        /// <summary>
        /// Proves the new file at <paramref name="written"/>, read back from disk, one record at a time: it parses, it has
        /// the records that were written (each proven against the plan as it was written, <see cref="WriteTo"/>), and its
        /// bytes are the bytes written (<paramref name="writtenMd5"/>). Null when it is, else what is wrong.
        /// </summary>
        internal string? Verify(string written, string writtenMd5)
        {
            long records = 0;
            string md5;
            try
            {
                using var back = new CsvRecordReader(new FileStream(written, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Path);
                while (back.Next() != null) records++;
                md5 = back.Md5;
            }
            catch (MigrationException ex) { return "the new file does not parse: " + ex.Message; }
            if (md5 != writtenMd5) return "the file read back differs from what was written";
            if (records != _written) return $"it has {records} records instead of {_written}";
            return null;
        }

        private static string? Compare(CsvRecord o, CsvRecord w, CsvRowPlan? row, string[]? appended)
        {
            if (o.Blank != w.Blank || o.Terminator != w.Terminator) return $"line {o.Line} changed its line ending or became blank";
            if (o.Blank) return null;
            var extra = appended ?? Array.Empty<string>();
            if (w.Fields.Count != o.Fields.Count + extra.Length) return $"line {o.Line} has {w.Fields.Count} fields instead of {o.Fields.Count + extra.Length}";
            for (var fi = 0; fi < o.Fields.Count; fi++)
            {
                if (row != null && row.Cells.TryGetValue(fi, out var v)) { if (w.Fields[fi].Value != v) return $"line {o.Line}, field {fi + 1} is not the planned value"; }
                else if (Raw(w, w.Fields[fi]) != Raw(o, o.Fields[fi])) return $"line {o.Line}, field {fi + 1} changed, though nothing was to change it";
            }
            for (var a = 0; a < extra.Length; a++)
                if (w.Fields[o.Fields.Count + a].Value != extra[a]) return $"line {o.Line}, new column {a + 1} is not the planned value";
            return null;
        }

        private static string Raw(CsvRecord r, CsvField f) => r.Text!.Substring(f.Start, f.Length);
    }
}
