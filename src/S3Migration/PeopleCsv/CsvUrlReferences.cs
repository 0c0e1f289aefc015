using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;

namespace S3Migration.PeopleCsv
{
    /// <summary>
    /// Finds the URLs of a people CSV that name given objects, in every column (not only the URL columns
    /// Update-OutputCsv rewrites: an application may keep a link anywhere) and every URL form S3Url knows. A cell may
    /// hold several URLs, so each cell is read whole and also cut at the usual separators (; | , and white space):
    /// a piece that is not a URL names nothing, and a cut too many can only find more references, never fewer, which
    /// is the safe side for the gates that ask (the cleanup keeps what the CSV names; a restore refuses to break URLs).
    /// </summary>
    public static class CsvUrlReferences
    {
        private static readonly char[] Separators = { ';', '|', ',', ' ', '\t', '\r', '\n' };

        /// <summary>The references of the CSV file at <paramref name="path"/> (read under a shared lock) to the objects.</summary>
        /// <param name="objects">s3://bucket/key of each object of interest</param>
        public static List<CsvUrlReference> InFile(string path, ICollection<string> objects) =>
            In(CsvText.Parse(CsvText.ReadLocked(path), path), objects);

        /// <summary>The references of CSV bytes (a backup, say) to the objects; <paramref name="path"/> names it in errors.</summary>
        public static List<CsvUrlReference> InBytes(byte[] bytes, string path, ICollection<string> objects) =>
            In(CsvText.Parse(bytes, path), objects);

        public static List<CsvUrlReference> In(CsvText csv, ICollection<string> objects)
        {
            var found = new List<CsvUrlReference>();
            if (objects.Count == 0) return found;
            var wanted = new HashSet<string>(objects, StringComparer.Ordinal);
            var buckets = new HashSet<string>(wanted.Select(p => p.Substring(5, p.IndexOf('/', 5) - 5)), StringComparer.Ordinal);
            var header = csv.Header.Fields.Select(f => f.Value.Trim()).ToList();
            foreach (var row in csv.Rows)
                for (var c = 0; c < row.Fields.Count; c++)
                {
                    var value = row.Fields[c].Value;
                    if (value.IndexOf("://", StringComparison.Ordinal) < 0) continue;
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var piece in Pieces(value))
                    {
                        var url = S3Url.Parse(piece, buckets.Contains);
                        if (url == null || !buckets.Contains(url.Bucket)) continue;
                        foreach (var (key, _) in url.KeyCandidates)
                        {
                            var path = "s3://" + url.Bucket + "/" + key;
                            if (!wanted.Contains(path) || !seen.Add(path)) continue;
                            found.Add(new CsvUrlReference
                            {
                                Line = row.Line, Column = c < header.Count ? header[c] : $"column {c + 1}", Url = url.Redacted, Bucket = url.Bucket, Key = key,
                            });
                        }
                    }
                }
            return found;
        }

        /// <summary>
        /// The cell whole, and its pieces at each separator in turn (one at a time, so that a key with a space still
        /// comes out whole from a cell of URLs separated by ';').
        /// </summary>
        private static IEnumerable<string> Pieces(string value)
        {
            var trimmed = value.Trim();
            var pieces = new HashSet<string>(StringComparer.Ordinal) { trimmed };
            foreach (var separator in Separators)
                foreach (var p in CsvUrlUpdater.Pieces(trimmed, separator.ToString()))
                    if (p.Trim().Length > 0) pieces.Add(p.Trim());
            return pieces;
        }
    }
}
