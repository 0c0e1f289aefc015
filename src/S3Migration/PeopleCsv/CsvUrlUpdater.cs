using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3Migration.Model;
using S3Migration.Rules;

namespace S3Migration.PeopleCsv
{
    /// <summary>
    /// Plans the URL rewrite of the people CSV from the copy journal (plan phase 3). Only copies the journal records as
    /// verified map an old URL to a new one. A plan with problems is never applied; <see cref="CsvFileSwap"/> applies
    /// the others.
    ///
    /// The CSV is read one record at a time, never whole, so a file of a million rows plans in memory that does not grow
    /// with it (issue 13): a first pass validates every record and learns what the rows need from each other (unique row
    /// ids, the form of the CSV's own URLs, which columns to add); a second plans and counts every row (the comparison and
    /// the problems). Writing, proving and listing the changes plan the rows again (<see cref="CsvUrlPlan"/>), which is
    /// deterministic, rather than keep them.
    /// </summary>
    public static class CsvUrlUpdater
    {
        /// <summary>The plan of CSV bytes held in memory; its <see cref="CsvUrlPlan.NewText"/> and <see cref="CsvUrlPlan.Changes"/> are filled.</summary>
        public static CsvUrlPlan Plan(string path, byte[] bytes, IReadOnlyList<ExpectedCopy> journal, CsvUpdateOptions o)
        {
            var plan = Plan(path, () => new MemoryStream(bytes, false), journal, o);
            plan.Materialize();
            return plan;
        }

        /// <summary>The plan of the CSV that <paramref name="open"/> reads (each call opens it again, from the start).</summary>
        public static CsvUrlPlan Plan(string path, Func<Stream> open, IReadOnlyList<ExpectedCopy> journal, CsvUpdateOptions o)
        {
            var migrated = journal.Where(e => e.Migrated).ToList();
            var rewritable = o.Only == null ? migrated : migrated.Where(e => o.Only.Contains(CsvRowPlanner.SourceOf(e))).ToList();
            var planner = new CsvRowPlanner(path, o, journal, migrated, rewritable);

            // Pass 1: every record parsed and checked; the header's checks come first, as the whole file is read.
            MigrationException? headerError = null, idError = null;
            var seen = new RowIds();
            var peopleTypes = new HashSet<string>(StringComparer.Ordinal);
            S3Url? model = null;
            string md5;
            using (var reader = CsvRecordReader.Open(open, path))
            {
                var first = true;
                foreach (var rec in reader.All())
                {
                    if (first)
                    {
                        first = false;
                        try { planner.ReadHeader(rec); }
                        catch (MigrationException ex) { headerError = ex; }
                        continue;
                    }
                    if (headerError != null || idError != null || rec.Blank) continue;
                    try
                    {
                        var (rowId, norm, _) = planner.Identify(rec);
                        if (rowId.Length == 0) throw CsvText.Malformed(path, rec.Line, $"the '{o.RowIdColumn}' cell is empty");
                        if (!rowId.All(c => c >= '0' && c <= '9')) throw CsvText.Malformed(path, rec.Line, $"row_id '{rowId}' is not a number");
                        if (seen.FirstLine(norm) is { } line) throw CsvText.Malformed(path, rec.Line, $"row_id {rowId} is already on line {line}; row ids must be unique");
                        seen.Add(norm, rec.Line);
                        if (planner.CopiesOf(norm) is { } copies) foreach (var c in copies) peopleTypes.Add(c.FileType);
                        model ??= planner.ModelUrl(rec);
                    }
                    catch (MigrationException ex) { idError = ex; }
                }
                md5 = reader.Md5;
            }
            if (headerError != null) throw headerError;
            if (migrated.Count == 0)
                throw new MigrationException("NothingVerified", MigrationErrorKind.InvalidData,
                    "The journal records no verified copy, so no URL can be rewritten. Run Copy-PersonFiles first (and Test-MigrationIntegrity); the CSV was left as it is.", target: path);
            // With pipeline input, only what arrived verified is rewritten or fills a cell. The journal's other verified
            // copies are still recognised where the CSV already names them, and counted, but their people are not done.
            if (rewritable.Count == 0)
                throw new MigrationException("NothingVerified", MigrationErrorKind.InvalidData,
                    "None of the objects that came through the pipeline arrived verified with a verified copy in the journal, so no URL can be rewritten; the CSV was left as it is.", target: path);
            if (idError != null) throw idError;

            var plan = new CsvUrlPlan(path, open, md5, planner);
            foreach (var person in planner.People.Where(p => seen.FirstLine(p.Key) == null))
                plan.Warnings.Add($"The journal has {person.Value.Count} verified files of row_id {person.Value[0].RowId} ({person.Value[0].PersonName}), who has no row in the CSV.");
            planner.Settle(peopleTypes, model);

            // Pass 2: every row planned and counted; nothing of it is kept but the counts and the problems.
            var tally = new CsvRowPlanner.Tally(plan.Comparison, plan.Problems, planner.Types);
            foreach (var c in tally.Counts.Values) c.Column = planner.ColumnOfType(c.FileType);
            plan.Comparison.Path = path;
            plan.Comparison.AddedColumns = planner.Added.ToList();
            var changed = planner.Added.Count > 0;
            plan.ForEachRow((ri, rec, row) => { if (row != null && row.Cells.Count > 0) changed = true; }, tally);
            plan.Comparison.Rows = plan.Comparison.RowsAfter = tally.Rows;
            plan.Comparison.ByType = tally.Counts.Values.ToList();
            plan.HasChanges = changed;
            planner.Proven = plan.Problems.Count == 0;

            if (tally.AnyUrl && !tally.MatchedAny)
                throw new MigrationException("JournalMismatch", MigrationErrorKind.InvalidData,
                    $"None of the URLs in '{path}' names a file that the journal copied (the CSV's URLs name bucket {string.Join(", ", tally.UrlBuckets)}; the journal's buckets: {string.Join(", ", planner.Buckets.OrderBy(b => b))}). Is it the journal of this CSV's migration? The CSV was left as it is.", target: path);
            return plan;
        }

        /// <summary>
        /// The row ids seen, with their lines: the one thing the update keeps per row, as a number where it fits (about 30
        /// bytes a row, not a string each).
        /// </summary>
        private sealed class RowIds
        {
            private readonly Dictionary<long, int> _numbers = new Dictionary<long, int>();
            private readonly Dictionary<string, int> _others = new Dictionary<string, int>(StringComparer.Ordinal);
            private static bool Number(string norm, out long n)
            {
                n = 0;
                return norm.Length <= 18 && long.TryParse(norm, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n) && n.ToString(System.Globalization.CultureInfo.InvariantCulture) == norm;
            }
            public int? FirstLine(string norm) =>
                Number(norm, out var n) ? (_numbers.TryGetValue(n, out var l) ? l : null) : _others.TryGetValue(norm, out var o) ? o : null;
            public void Add(string norm, int line) { if (Number(norm, out var n)) _numbers[n] = line; else _others[norm] = line; }
        }

        /// <summary>The URLs of one cell: split at the delimiter, or the whole cell when there is none.</summary>
        internal static List<string> Pieces(string value, string? delimiter) =>
            delimiter == null || delimiter.Length == 0 ? new List<string> { value } : value.Split(new[] { delimiter }, StringSplitOptions.None).ToList();
    }
}
