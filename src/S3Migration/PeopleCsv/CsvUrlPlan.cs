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
            ForEachRow((ri, rec, row) =>
            {
                var s = Render(rec, row, ri);
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

        /// <summary>
        /// Proves the new file at <paramref name="written"/>, read back from disk: the bytes that were written
        /// (<paramref name="writtenMd5"/>), the same records as the original, every cell not planned unchanged to the byte,
        /// every planned cell its new value, every rewritten URL naming its copy. Null when it is, else what is wrong.
        /// Both files are read one record at a time, side by side.
        /// </summary>
        internal string? Verify(string written, string writtenMd5)
        {
            using var back = new CsvRecordReader(new FileStream(written, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Path);
            string? problem = null;
            try
            {
                var header = 0;
                ForEachRow((ri, o, row) =>
                {
                    if (problem != null) return;
                    var w = back.Next();
                    if (w == null) { problem = $"it ends at record {ri} instead of going on to line {o.Line}"; return; }
                    problem = Compare(o, w, row, ri == 0 ? _planner.Added.ToArray() : row?.Appended);
                    if (ri == 0) header = o.Fields.Count;
                    if (problem != null || row == null) return;
                    foreach (var cell in row.Targets)
                    {
                        var value = cell.Key < w.Fields.Count ? w.Fields[cell.Key].Value : row.Appended![cell.Key - header];
                        foreach (var key in cell.Value)
                            if (!value.Contains(key) && !value.Contains(S3Url.Encode(key))) { problem = $"line {o.Line} does not name '{key}'"; return; }
                    }
                });
                if (problem == null && back.Next() != null) problem = "it has more records than the original";
            }
            catch (MigrationException ex) when (ex.ErrorId != "CsvChanged") { return "the new file does not parse: " + ex.Message; }
            if (problem != null) return problem;
            if (back.Md5 != writtenMd5) return "the file read back differs from what was written";
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
