using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using S3Migration.Model;

namespace S3Migration.PeopleCsv
{
    /// <summary>What Update-OutputCsv will do to one CSV: every change, every problem, and the new text.</summary>
    public sealed class CsvUrlPlan
    {
        internal CsvUrlPlan(CsvText original, byte[] bytes) { Original = original; OriginalBytes = bytes; OriginalMd5 = CsvBackup.Md5Hex(bytes); }

        public CsvText Original { get; }
        public byte[] OriginalBytes { get; }
        public string OriginalMd5 { get; }
        public List<CsvUrlChange> Changes { get; } = new List<CsvUrlChange>();
        public List<CsvProblem> Problems { get; } = new List<CsvProblem>();
        /// <summary>Things to tell the operator that do not stop the update (people the CSV does not know).</summary>
        public List<string> Warnings { get; } = new List<string>();
        public CsvUpdateComparison Comparison { get; } = new CsvUpdateComparison();
        public string NewText { get; internal set; } = "";
        public bool HasChanges => !string.Equals(NewText, Original.Text, StringComparison.Ordinal);

        /// <summary>New values of existing cells, by record and field index; what the re-read must find.</summary>
        internal Dictionary<(int Record, int Field), string> Cells { get; } = new Dictionary<(int, int), string>();
        /// <summary>Values of the appended columns, by record index (the header's are the column names).</summary>
        internal Dictionary<int, string[]> Appended { get; } = new Dictionary<int, string[]>();
        /// <summary>Every cell rewritten to point at a copy: the target keys the re-read's URLs must name.</summary>
        internal Dictionary<(int Record, int Field), List<string>> Targets { get; } = new Dictionary<(int, int), List<string>>();

        /// <summary>The original text with the planned cells replaced and the new columns appended; all else copied as it was.</summary>
        internal string Render()
        {
            var csv = Original;
            if (Cells.Count == 0 && Appended.Count == 0) return csv.Text;
            var sb = new StringBuilder(csv.Text.Length + csv.Text.Length / 4);
            for (var ri = 0; ri < csv.Records.Count; ri++)
            {
                var rec = csv.Records[ri];
                var pos = rec.Start;
                for (var fi = 0; fi < rec.Fields.Count; fi++)
                {
                    var f = rec.Fields[fi];
                    sb.Append(csv.Text, pos, f.Start - pos);
                    if (Cells.TryGetValue((ri, fi), out var v)) sb.Append(CsvText.Format(v, f.Quoted));
                    else sb.Append(csv.Text, f.Start, f.Length);
                    pos = f.Start + f.Length;
                }
                sb.Append(csv.Text, pos, rec.End - pos);
                if (Appended.TryGetValue(ri, out var extra))
                    foreach (var e in extra) sb.Append(',').Append(CsvText.Format(e, false));
                sb.Append(rec.Terminator);
            }
            return sb.ToString();
        }

        /// <summary>
        /// Proves that <paramref name="bytes"/> (the new file, read back from disk) is the plan: the same records, every
        /// cell not planned unchanged to the byte, every planned cell its new value, every rewritten URL naming its copy.
        /// Null when it is, else what is wrong.
        /// </summary>
        public string? Verify(byte[] bytes)
        {
            var expected = Original.Encode(NewText);
            if (!bytes.SequenceEqual(expected)) return "the file read back differs from what was written";
            CsvText written;
            try { written = CsvText.Parse(bytes, Original.Path); }
            catch (MigrationException ex) { return "the new file does not parse: " + ex.Message; }
            var original = Original;
            if (written.Records.Count != original.Records.Count) return $"it has {written.Records.Count} records instead of {original.Records.Count}";
            for (var ri = 0; ri < original.Records.Count; ri++)
            {
                var o = original.Records[ri];
                var w = written.Records[ri];
                if (o.Blank != w.Blank || o.Terminator != w.Terminator) return $"line {o.Line} changed its line ending or became blank";
                if (o.Blank) continue;
                var extra = Appended.TryGetValue(ri, out var e) ? e : Array.Empty<string>();
                if (w.Fields.Count != o.Fields.Count + extra.Length) return $"line {o.Line} has {w.Fields.Count} fields instead of {o.Fields.Count + extra.Length}";
                for (var fi = 0; fi < o.Fields.Count; fi++)
                {
                    if (Cells.TryGetValue((ri, fi), out var v)) { if (w.Fields[fi].Value != v) return $"line {o.Line}, field {fi + 1} is not the planned value"; }
                    else if (written.Raw(w.Fields[fi]) != original.Raw(o.Fields[fi])) return $"line {o.Line}, field {fi + 1} changed, though nothing was to change it";
                }
                for (var a = 0; a < extra.Length; a++)
                    if (w.Fields[o.Fields.Count + a].Value != extra[a]) return $"line {o.Line}, new column {a + 1} is not the planned value";
            }
            foreach (var cell in Targets)
            {
                var value = written.Records[cell.Key.Record].Fields.ElementAtOrDefault(cell.Key.Field)?.Value
                            ?? Appended[cell.Key.Record][cell.Key.Field - original.Header.Fields.Count];
                foreach (var key in cell.Value)
                    if (!value.Contains(key) && !value.Contains(S3Url.Encode(key)))
                        return $"line {original.Records[cell.Key.Record].Line} does not name '{key}'";
            }
            return null;
        }
    }
}
