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
    /// </summary>
    public static class CsvUrlUpdater
    {
        public static CsvUrlPlan Plan(string path, byte[] bytes, IReadOnlyList<ExpectedCopy> journal, CsvUpdateOptions o)
        {
            var csv = CsvText.Parse(bytes, path);
            var plan = new CsvUrlPlan(csv, bytes);
            var header = csv.Header.Fields.Select(f => f.Value.Trim()).ToList();
            int Find(string name) => header.FindIndex(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));

            var twice = header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1 && (o.Columns.ContainsKey(g.Key) || string.Equals(g.Key, o.RowIdColumn, StringComparison.OrdinalIgnoreCase)));
            if (twice != null) throw CsvText.Malformed(path, 1, $"the column '{twice.Key}' appears twice; which one the application reads is unclear, so neither is rewritten");
            var idIndex = Find(o.RowIdColumn);
            if (idIndex < 0)
                throw CsvText.Malformed(path, 1, $"it has no '{o.RowIdColumn}' column (columns: {string.Join(", ", header)}); name the row id column with -RowIdColumn");
            var nameIndex = header.FindIndex(h => PeopleCsvReader.NameColumns.Contains(h, StringComparer.OrdinalIgnoreCase));
            var urlColumns = header.Select((h, i) => (Index: i, Name: h, Type: o.Columns.TryGetValue(h, out var t) ? t : null))
                .Where(c => c.Type != null).Select(c => (c.Index, c.Name, Type: c.Type!)).ToList();
            if (urlColumns.Count == 0)
                throw new MigrationException("CsvNoUrlColumns", MigrationErrorKind.InvalidData,
                    $"The people CSV '{path}' has none of the URL columns {string.Join(", ", o.Columns.Keys)} (columns: {string.Join(", ", header)}). Name yours with -UrlColumn @{{ 'audio_link' = 'audio' }}. It was left as it is.", target: path);

            var migrated = journal.Where(e => e.Migrated).ToList();
            if (migrated.Count == 0)
                throw new MigrationException("NothingVerified", MigrationErrorKind.InvalidData,
                    "The journal records no verified copy, so no URL can be rewritten. Run Copy-PersonFiles first (and Test-MigrationIntegrity); the CSV was left as it is.", target: path);
            // With pipeline input, only what arrived verified is rewritten or fills a cell. The journal's other verified
            // copies are still recognised where the CSV already names them, and counted, but their people are not done.
            var rewritable = o.Only == null ? migrated : migrated.Where(e => o.Only.Contains(SourceOf(e))).ToList();
            if (rewritable.Count == 0)
                throw new MigrationException("NothingVerified", MigrationErrorKind.InvalidData,
                    "None of the objects that came through the pipeline arrived verified with a verified copy in the journal, so no URL can be rewritten; the CSV was left as it is.", target: path);
            var bySource = Index(rewritable, SourceOf);
            var byTarget = Index(migrated, e => new S3Location(e.TargetBucket, e.TargetKey));
            var buckets = new HashSet<string>(migrated.SelectMany(e => new[] { e.SourceBucket, e.TargetBucket }), StringComparer.Ordinal);
            var byPerson = rewritable.GroupBy(e => PersonPattern.NormalizeRowId(e.RowId)).ToDictionary(g => g.Key, g => g.OrderBy(e => e.SourceKey, StringComparer.Ordinal).ToList());
            var verifiedByPerson = migrated.GroupBy(e => PersonPattern.NormalizeRowId(e.RowId)).ToDictionary(g => g.Key, g => g.ToList());
            var unfinished = new HashSet<string>(journal.Where(e => !bySource.ContainsKey(SourceOf(e))).Select(e => PersonPattern.NormalizeRowId(e.RowId)));
            if (o.Planned != null)
                foreach (var p in o.Planned.Where(p => !bySource.ContainsKey(p.Key))) unfinished.Add(PersonPattern.NormalizeRowId(p.Value.RowId));

            // Which rows are which: row ids must be unique numbers, as the inventory demands.
            var rows = new List<(int Record, CsvRecord Rec, string RowId, string Norm, string Name)>();
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var ri = 1; ri < csv.Records.Count; ri++)
            {
                var rec = csv.Records[ri];
                if (rec.Blank) continue;
                var rowId = rec.Fields[idIndex].Value.Trim();
                if (rowId.Length == 0) throw CsvText.Malformed(path, rec.Line, $"the '{o.RowIdColumn}' cell is empty");
                if (!rowId.All(c => c >= '0' && c <= '9')) throw CsvText.Malformed(path, rec.Line, $"row_id '{rowId}' is not a number");
                var norm = PersonPattern.NormalizeRowId(rowId);
                if (seen.TryGetValue(norm, out var first)) throw CsvText.Malformed(path, rec.Line, $"row_id {rowId} is already on line {first}; row ids must be unique");
                seen[norm] = rec.Line;
                rows.Add((ri, rec, rowId, norm, nameIndex >= 0 ? rec.Fields[nameIndex].Value : ""));
            }
            foreach (var person in byPerson.Where(p => !seen.ContainsKey(p.Key)))
                plan.Warnings.Add($"The journal has {person.Value.Count} verified files of row_id {person.Value[0].RowId} ({person.Value[0].PersonName}), who has no row in the CSV.");

            // Which columns the update adds, in a fixed order: URL columns for types people have, counts, the flag.
            var types = o.Columns.Values.Distinct(StringComparer.Ordinal).ToList();
            var peopleTypes = new HashSet<string>(rows.Where(r => byPerson.ContainsKey(r.Norm)).SelectMany(r => byPerson[r.Norm].Select(e => e.FileType)), StringComparer.Ordinal);
            var added = new List<string>();
            var urlColumnOfType = new Dictionary<string, (int Index, string Name)>(StringComparer.Ordinal);
            foreach (var c in urlColumns) if (!urlColumnOfType.ContainsKey(c.Type)) urlColumnOfType[c.Type] = (c.Index, c.Name);
            if (!o.KeepSchema)
            {
                foreach (var t in types.Where(t => !urlColumnOfType.ContainsKey(t) && peopleTypes.Contains(t)))
                {
                    var name = o.ColumnOf(t)!;
                    urlColumnOfType[t] = (header.Count + added.Count, name);
                    added.Add(name);
                }
                foreach (var t in types.Where(t => Find(CsvUpdateOptions.CountColumn(t)) < 0)) added.Add(CsvUpdateOptions.CountColumn(t));
                if (Find(CsvUpdateOptions.CompletedColumn) < 0) added.Add(CsvUpdateOptions.CompletedColumn);
            }
            int Column(string name) { var i = Find(name); return i >= 0 ? i : added.IndexOf(name) is var a && a >= 0 ? header.Count + a : -1; }

            // A cell filled from nothing takes the form of the CSV's own URLs.
            var model = rows.SelectMany(r => urlColumns.SelectMany(c => Pieces(r.Rec.Fields[c.Index].Value, o.UrlDelimiter)))
                .Select(piece => S3Url.Parse(piece.Trim(), buckets.Contains)).FirstOrDefault(u => u != null && buckets.Contains(u.Bucket));

            var cmp = plan.Comparison;
            cmp.Path = path;
            cmp.Rows = cmp.RowsAfter = rows.Count;
            cmp.AddedColumns = added;
            var counts = types.ToDictionary(t => t, t => new CsvUrlCount { FileType = t, Column = urlColumnOfType.TryGetValue(t, out var uc) ? uc.Name : "" }, StringComparer.Ordinal);
            var matchedAny = false;
            var anyUrl = false;
            var urlBuckets = new SortedSet<string>(StringComparer.Ordinal);

            foreach (var r in rows)
            {
                var copies = byPerson.TryGetValue(r.Norm, out var list) ? list : new List<ExpectedCopy>();
                var problemsBefore = plan.Problems.Count;
                var oldLayoutLeft = false;
                bool hadEntryBefore = false, hasEntryAfter = false;
                var appended = new string[added.Count];
                for (var a = 0; a < added.Count; a++) appended[a] = "";

                foreach (var t in types.Where(urlColumnOfType.ContainsKey))
                {
                    var (index, column) = urlColumnOfType[t];
                    var exists = index < header.Count;
                    var value = exists ? r.Rec.Fields[index].Value : "";
                    var pieces = Pieces(value, o.UrlDelimiter);
                    var targets = new List<ExpectedCopy>();
                    for (var p = 0; p < pieces.Count; p++)
                    {
                        var text = pieces[p].Trim();
                        if (text.Length == 0) continue;
                        anyUrl = true;
                        hadEntryBefore = true;
                        counts[t].UrlsBefore++;
                        void Problem(string message) => plan.Problems.Add(new CsvProblem { Line = r.Rec.Line, RowId = r.RowId, Column = column, Message = message });
                        var url = S3Url.Parse(text, buckets.Contains);
                        if (url == null) { Problem($"'{Redact.Url(text)}' is not an S3 URL"); continue; }
                        urlBuckets.Add(url.Bucket);
                        if (!buckets.Contains(url.Bucket)) { Problem($"'{url.Redacted}' points to bucket '{url.Bucket}', outside the migration (buckets {string.Join(", ", buckets.OrderBy(b => b))})"); continue; }
                        var (copy, encoded) = Lookup(url, bySource);
                        if (copy == null)
                        {
                            var (already, _) = Lookup(url, byTarget);
                            if (already != null)
                            {
                                matchedAny = true;
                                counts[t].NewLayoutBefore++;
                                if (PersonPattern.NormalizeRowId(already.RowId) != r.Norm) Problem($"'{url.Redacted}' is a file of row_id {already.RowId} ({already.PersonName}), not of this row");
                            }
                            else { oldLayoutLeft = true; cmp.NotMigrated++; }
                            continue;
                        }
                        matchedAny = true;
                        if (url.Query.Length > 0) { Problem($"'{url.Redacted}' is a signed URL (it has a query string); a rewritten signature would be invalid, so sign new URLs instead"); continue; }
                        if (PersonPattern.NormalizeRowId(copy.RowId) != r.Norm) { Problem($"'{url.Redacted}' is a file of row_id {copy.RowId} ({copy.PersonName}), not of this row"); continue; }
                        if (copy.FileType != t) { Problem($"'{url.Redacted}' is a {copy.FileType} file, but {column} holds {t}"); continue; }
                        var naming = new TargetKeyBuilder(o.Types, "").NamingProblem(copy.RowId, copy.PersonName, copy.SourceKey, copy.TargetKey);
                        if (naming != null) { Problem($"its copy '{copy.TargetKey}' does not follow the naming rule: {naming}"); continue; }
                        var rewritten = url.With(copy.TargetBucket, copy.TargetKey, encoded);
                        var (check, _) = Lookup(S3Url.Parse(rewritten, buckets.Contains)!, byTarget);
                        if (check != copy) { Problem($"the rewritten URL would not name '{copy.TargetKey}'"); continue; }
                        pieces[p] = pieces[p].Replace(text, rewritten);
                        targets.Add(copy);
                        plan.Changes.Add(new CsvUrlChange { RowId = r.RowId, PersonName = Name(r.Name, copy), Column = column, OldUrl = url.Redacted, NewUrl = rewritten, FileType = t, Action = CsvChangeAction.Rewritten, Line = r.Rec.Line });
                        cmp.Rewritten++;
                    }
                    var newValue = o.UrlDelimiter != null ? string.Join(o.UrlDelimiter, pieces) : pieces[0];
                    var ofType = copies.Where(e => e.FileType == t).ToList();
                    counts[t].VerifiedFiles += ofType.Count;
                    if (newValue.Trim().Length == 0 && ofType.Count > 0)
                    {
                        // The plan's "no empty URLs where files exist": the person's verified files of this type fill the cell.
                        var urls = (o.UrlDelimiter != null ? ofType : ofType.Take(1)).Select(e => S3Url.Create(model, e.TargetBucket, e.TargetKey)).ToList();
                        newValue = o.UrlDelimiter != null ? string.Join(o.UrlDelimiter, urls) : urls[0];
                        targets.AddRange(o.UrlDelimiter != null ? ofType : ofType.Take(1));
                        plan.Changes.Add(new CsvUrlChange
                        {
                            RowId = r.RowId, PersonName = Name(r.Name, ofType[0]), Column = column, OldUrl = value, NewUrl = newValue, FileType = t, Action = CsvChangeAction.Filled, Line = r.Rec.Line,
                        });
                        cmp.Filled++;
                    }
                    foreach (var piece in Pieces(newValue, o.UrlDelimiter).Where(x => x.Trim().Length > 0))
                    {
                        counts[t].UrlsAfter++;
                        hasEntryAfter = true;
                        if (S3Url.Parse(piece.Trim(), buckets.Contains) is { } after && Lookup(after, byTarget).Copy != null) counts[t].NewLayoutAfter++;
                    }
                    if (exists && newValue != value) plan.Cells[(r.Record, index)] = newValue;
                    if (!exists) appended[index - header.Count] = newValue;
                    if (targets.Count > 0) plan.Targets[(r.Record, index)] = targets.Select(c => c.TargetKey).ToList();
                }

                // Done when the person has verified files, no URL is left in the old layout and nothing of theirs is still
                // to copy. A row with no files at all is not done: nothing of it was migrated (the inventory lists it
                // under csv_rows_without_files).
                var verified = verifiedByPerson.TryGetValue(r.Norm, out var all) ? all : new List<ExpectedCopy>();
                if (verified.Count == 0 && !unfinished.Contains(r.Norm)) cmp.PeopleWithoutFiles++;
                var completed = verified.Count > 0 && !oldLayoutLeft && plan.Problems.Count == problemsBefore && !unfinished.Contains(r.Norm);
                if (completed) cmp.PeopleCompleted++;
                if (hadEntryBefore) cmp.PeopleWithEntriesBefore++;
                if (hasEntryAfter) cmp.PeopleWithEntriesAfter++;
                void SetOwn(string name, string v)
                {
                    var i = Column(name);
                    if (i < 0) return;
                    if (i >= header.Count) appended[i - header.Count] = v;
                    else if (r.Rec.Fields[i].Value != v) plan.Cells[(r.Record, i)] = v;
                }
                foreach (var t in types) SetOwn(CsvUpdateOptions.CountColumn(t), verified.Count(e => e.FileType == t).ToString(System.Globalization.CultureInfo.InvariantCulture));
                SetOwn(CsvUpdateOptions.CompletedColumn, completed ? "true" : "false");
                if (added.Count > 0) plan.Appended[r.Record] = appended;
            }
            if (added.Count > 0) plan.Appended[0] = added.ToArray();
            cmp.ByType = counts.Values.ToList();

            if (anyUrl && !matchedAny)
                throw new MigrationException("JournalMismatch", MigrationErrorKind.InvalidData,
                    $"None of the URLs in '{path}' names a file that the journal copied (the CSV's URLs name bucket {string.Join(", ", urlBuckets)}; the journal's buckets: {string.Join(", ", buckets.OrderBy(b => b))}). Is it the journal of this CSV's migration? The CSV was left as it is.", target: path);

            plan.NewText = plan.Render();
            return plan;
        }

        private static string Name(string csvName, ExpectedCopy copy) => csvName.Length > 0 ? csvName : copy.PersonName;

        /// <summary>The URLs of one cell: split at the delimiter, or the whole cell when there is none.</summary>
        internal static List<string> Pieces(string value, string? delimiter) =>
            delimiter == null || delimiter.Length == 0 ? new List<string> { value } : value.Split(new[] { delimiter }, StringSplitOptions.None).ToList();

        private static S3Location SourceOf(ExpectedCopy e) => new S3Location(e.SourceBucket, e.SourceKey);

        private static Dictionary<S3Location, ExpectedCopy> Index(IEnumerable<ExpectedCopy> copies, Func<ExpectedCopy, S3Location> address)
        {
            var d = new Dictionary<S3Location, ExpectedCopy>();
            foreach (var c in copies) d[address(c)] = c;
            return d;
        }

        private static (ExpectedCopy? Copy, bool Encoded) Lookup(S3Url url, Dictionary<S3Location, ExpectedCopy> index)
        {
            foreach (var (key, encoded) in url.KeyCandidates)
                if (index.TryGetValue(new S3Location(url.Bucket, key), out var copy)) return (copy, encoded);
            return (null, false);
        }
    }
}
