using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;
using S3Migration.PeopleCsv;

namespace S3Migration.Phases.UrlCheck
{
    /// <summary>One URL to check: its result to fill in, the URL as read (null when the cell is no S3 URL), and the text as written.</summary>
    public sealed record UrlTarget(UrlCheckResult Check, S3Url? Url, string Text);

    /// <summary>Which URLs of the people CSV Test-OutputCsvUrl checks, whose they are, and the MD5 each one's file must have.</summary>
    public static class UrlTargets
    {
        /// <summary>
        /// Every non-empty URL of the URL columns, with the person it belongs to and the MD5 the journal recorded for its
        /// file (the journal's copies also name the buckets of the migration, by which a URL's host is read).
        /// </summary>
        public static List<UrlTarget> Of(CsvText csv, IReadOnlyDictionary<string, string> columns, string? rowIdColumn, string? delimiter, IReadOnlyList<ExpectedCopy> journal)
        {
            var header = csv.Header.Fields.Select(f => f.Value.Trim()).ToList();
            var idColumn = rowIdColumn ?? PeopleCsvReader.DefaultRowIdColumn;
            var idIndex = header.FindIndex(h => string.Equals(h, idColumn, StringComparison.OrdinalIgnoreCase));
            if (idIndex < 0) throw CsvText.Malformed(csv.Path, 1, $"it has no '{idColumn}' column; name the row id column with -RowIdColumn");
            var nameIndex = header.FindIndex(h => PeopleCsvReader.NameColumns.Contains(h, StringComparer.OrdinalIgnoreCase));
            var urlColumns = header.Select((h, i) => (i, h)).Where(c => columns.ContainsKey(c.h)).ToList();
            if (urlColumns.Count == 0)
                throw new MigrationException("CsvNoUrlColumns", MigrationErrorKind.InvalidData, $"'{csv.Path}' has none of the URL columns {string.Join(", ", columns.Keys)}; name yours with -UrlColumn.", target: csv.Path);
            var buckets = new HashSet<string>(journal.SelectMany(e => new[] { e.SourceBucket, e.TargetBucket }), StringComparer.Ordinal);
            var md5 = new Dictionary<S3Location, string>();
            foreach (var e in journal.Where(e => e.Md5.Length > 0)) { md5[e.Target()] = e.Md5; md5[e.Source()] = e.Md5; }

            var list = new List<UrlTarget>();
            foreach (var row in csv.Rows)
                foreach (var (index, column) in urlColumns)
                    foreach (var piece in CsvUrlUpdater.Pieces(row.Fields[index].Value, delimiter))
                    {
                        var text = piece.Trim();
                        if (text.Length == 0) continue;
                        var url = S3Url.Parse(text, buckets.Contains);
                        var r = new UrlCheckResult
                        {
                            RowId = row.Fields[idIndex].Value.Trim(), PersonName = nameIndex >= 0 ? row.Fields[nameIndex].Value : "", Column = column, Line = row.Line,
                            Url = url?.Redacted ?? Redact.Url(text), Bucket = url?.Bucket ?? "",
                        };
                        if (url != null)
                        {
                            // The key the journal knows, else the URL's most likely reading.
                            var (key, _) = url.KeyCandidates.FirstOrDefault(c => md5.ContainsKey(new S3Location(url.Bucket, c.Key)));
                            r.Key = key ?? url.KeyCandidates[0].Key;
                            r.ExpectedMd5 = md5.TryGetValue(new S3Location(url.Bucket, r.Key), out var m) ? m : "";
                        }
                        list.Add(new UrlTarget(r, url, text));
                    }
            return list;
        }
    }
}
