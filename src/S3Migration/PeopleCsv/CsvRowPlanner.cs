using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using S3Migration.Model;
using S3Migration.Rules;

namespace S3Migration.PeopleCsv
{
    /// <summary>What one row becomes: new values of existing cells, the appended columns, the copies each rewritten cell must name, the changes.</summary>
    internal sealed class CsvRowPlan
    {
        public Dictionary<int, string> Cells { get; } = new Dictionary<int, string>();
        public string[]? Appended { get; set; }
        public Dictionary<int, List<string>> Targets { get; } = new Dictionary<int, List<string>>();
        public List<CsvUrlChange> Changes { get; } = new List<CsvUrlChange>();
    }

    /// <summary>
    /// The rewrite of one row of the people CSV, from the journal's indexes and what the first pass learned of the whole
    /// file (<see cref="CsvUrlUpdater"/>). The same row always plans the same way, so the passes that write, prove and
    /// list the changes plan it again instead of keeping every row's plan.
    /// </summary>
    internal sealed class CsvRowPlanner
    {
        private readonly string _path;
        private readonly CsvUpdateOptions _o;
        private readonly Dictionary<S3Location, ExpectedCopy> _bySource, _byTarget;
        private readonly Dictionary<string, List<ExpectedCopy>> _byPerson, _verifiedByPerson;
        private readonly HashSet<string> _unfinished;
        private List<string> _header = new List<string>();
        private int _idIndex, _nameIndex;
        private List<(int Index, string Name, string Type)> _urlColumns = new List<(int, string, string)>();
        private readonly Dictionary<string, (int Index, string Name)> _urlColumnOfType = new Dictionary<string, (int, string)>(StringComparer.Ordinal);
        private S3Url? _model;
        private readonly TargetKeyBuilder _naming;

        public CsvRowPlanner(string path, CsvUpdateOptions o, IReadOnlyList<ExpectedCopy> journal, List<ExpectedCopy> migrated, List<ExpectedCopy> rewritable)
        {
            _path = path;
            _o = o;
            _bySource = Index(rewritable, SourceOf);
            _byTarget = Index(migrated, e => new S3Location(e.TargetBucket, e.TargetKey));
            Buckets = new HashSet<string>(migrated.SelectMany(e => new[] { e.SourceBucket, e.TargetBucket }), StringComparer.Ordinal);
            _byPerson = rewritable.GroupBy(e => PersonPattern.NormalizeRowId(e.RowId)).ToDictionary(g => g.Key, g => g.OrderBy(e => e.SourceKey, StringComparer.Ordinal).ToList());
            // Without pipeline input every verified copy is rewritable: the same lists (only counted here, so their order does
            // not matter), not a second index of a million people.
            _verifiedByPerson = o.Only == null ? _byPerson : migrated.GroupBy(e => PersonPattern.NormalizeRowId(e.RowId)).ToDictionary(g => g.Key, g => g.ToList());
            _unfinished = new HashSet<string>(journal.Where(e => !_bySource.ContainsKey(SourceOf(e))).Select(e => PersonPattern.NormalizeRowId(e.RowId)));
            if (o.Planned != null)
                foreach (var p in o.Planned.Where(p => !_bySource.ContainsKey(p.Key))) _unfinished.Add(PersonPattern.NormalizeRowId(p.Value.RowId));
            Types = o.Columns.Values.Distinct(StringComparer.Ordinal).ToList();
            _naming = new TargetKeyBuilder(o.Types, "");
        }

        public HashSet<string> Buckets { get; }
        /// <summary>
        /// Set once the planning pass found no problem in the file: the later passes (each proven to read the same bytes)
        /// skip the checks of each rewrite (the naming rule, the rewritten URL naming its copy), which cannot fail on the
        /// same rows, and cost about a third of a pass.
        /// </summary>
        public bool Proven { get; set; }
        public List<string> Types { get; }
        public IReadOnlyDictionary<string, List<ExpectedCopy>> People => _byPerson;
        /// <summary>The columns the update appends, in a fixed order: URL columns for types people have, counts, the flag.</summary>
        public List<string> Added { get; } = new List<string>();
        public int HeaderWidth => _header.Count;

        public List<ExpectedCopy>? CopiesOf(string norm) => _byPerson.TryGetValue(norm, out var l) ? l : null;

        private int Find(string name) => _header.FindIndex(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));

        public void ReadHeader(CsvRecord rec)
        {
            _header = rec.Fields.Select(f => f.Value.Trim()).ToList();
            var twice = _header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1 && (_o.Columns.ContainsKey(g.Key) || string.Equals(g.Key, _o.RowIdColumn, StringComparison.OrdinalIgnoreCase)));
            if (twice != null) throw CsvText.Malformed(_path, 1, $"the column '{twice.Key}' appears twice; which one the application reads is unclear, so neither is rewritten");
            _idIndex = Find(_o.RowIdColumn);
            if (_idIndex < 0)
                throw CsvText.Malformed(_path, 1, $"it has no '{_o.RowIdColumn}' column (columns: {string.Join(", ", _header)}); name the row id column with -RowIdColumn");
            _nameIndex = _header.FindIndex(h => PeopleCsvReader.NameColumns.Contains(h, StringComparer.OrdinalIgnoreCase));
            _urlColumns = _header.Select((h, i) => (Index: i, Name: h, Type: _o.Columns.TryGetValue(h, out var t) ? t : null))
                .Where(c => c.Type != null).Select(c => (c.Index, c.Name, Type: c.Type!)).ToList();
            if (_urlColumns.Count == 0)
                throw new MigrationException("CsvNoUrlColumns", MigrationErrorKind.InvalidData,
                    $"The people CSV '{_path}' has none of the URL columns {string.Join(", ", _o.Columns.Keys)} (columns: {string.Join(", ", _header)}). Name yours with -UrlColumn @{{ 'audio_link' = 'audio' }}. It was left as it is.", target: _path);
        }

        public (string RowId, string Norm, string Name) Identify(CsvRecord rec)
        {
            var rowId = rec.Fields[_idIndex].Value.Trim();
            return (rowId, rowId.Length > 0 && rowId.All(c => c >= '0' && c <= '9') ? PersonPattern.NormalizeRowId(rowId) : rowId, _nameIndex >= 0 ? rec.Fields[_nameIndex].Value : "");
        }

        /// <summary>The row's first URL in a migration bucket: a cell filled from nothing takes the form of the CSV's own URLs.</summary>
        public S3Url? ModelUrl(CsvRecord rec) =>
            _urlColumns.SelectMany(c => CsvUrlUpdater.Pieces(rec.Fields[c.Index].Value, _o.UrlDelimiter))
                .Select(piece => S3Url.Parse(piece.Trim(), Buckets.Contains)).FirstOrDefault(u => u != null && Buckets.Contains(u.Bucket));

        /// <summary>After the first pass: which columns are added, and the model of filled URLs.</summary>
        public void Settle(HashSet<string> peopleTypes, S3Url? model)
        {
            _model = model;
            foreach (var c in _urlColumns) if (!_urlColumnOfType.ContainsKey(c.Type)) _urlColumnOfType[c.Type] = (c.Index, c.Name);
            if (_o.KeepSchema) return;
            foreach (var t in Types.Where(t => !_urlColumnOfType.ContainsKey(t) && peopleTypes.Contains(t)))
            {
                var name = _o.ColumnOf(t)!;
                _urlColumnOfType[t] = (_header.Count + Added.Count, name);
                Added.Add(name);
            }
            foreach (var t in Types.Where(t => Find(CsvUpdateOptions.CountColumn(t)) < 0)) Added.Add(CsvUpdateOptions.CountColumn(t));
            if (Find(CsvUpdateOptions.CompletedColumn) < 0) Added.Add(CsvUpdateOptions.CompletedColumn);
        }

        private int Column(string name) { var i = Find(name); return i >= 0 ? i : Added.IndexOf(name) is var a && a >= 0 ? _header.Count + a : -1; }

        /// <summary>The URL column of a file type after <see cref="Settle"/>, or "" when none holds it.</summary>
        public string ColumnOfType(string type) => _urlColumnOfType.TryGetValue(type, out var uc) ? uc.Name : "";

        /// <summary>The counts and problems of the planning pass (null in the passes that only write or prove).</summary>
        internal sealed class Tally
        {
            public Tally(CsvUpdateComparison cmp, List<CsvProblem> problems, List<string> types)
            {
                Cmp = cmp; Problems = problems;
                Counts = types.ToDictionary(t => t, t => new CsvUrlCount { FileType = t }, StringComparer.Ordinal);
            }
            public CsvUpdateComparison Cmp { get; }
            public List<CsvProblem> Problems { get; }
            public Dictionary<string, CsvUrlCount> Counts { get; }
            public int Rows;
            public bool AnyUrl, MatchedAny;
            public SortedSet<string> UrlBuckets { get; } = new SortedSet<string>(StringComparer.Ordinal);
        }

        public CsvRowPlan Row(CsvRecord rec, Tally? tally)
        {
            var plan = new CsvRowPlan();
            var (rowId, norm, csvName) = Identify(rec);
            var counts = tally?.Counts;
            var copies = _byPerson.TryGetValue(norm, out var list) ? list : new List<ExpectedCopy>();
            var problems = 0;
            var oldLayoutLeft = false;
            bool hadEntryBefore = false, hasEntryAfter = false;
            var appended = new string[Added.Count];
            for (var a = 0; a < Added.Count; a++) appended[a] = "";
            void Count(string t, Action<CsvUrlCount> f) { if (counts != null) f(counts[t]); }

            foreach (var t in Types.Where(_urlColumnOfType.ContainsKey))
            {
                var (index, column) = _urlColumnOfType[t];
                var exists = index < _header.Count;
                var value = exists ? rec.Fields[index].Value : "";
                var pieces = CsvUrlUpdater.Pieces(value, _o.UrlDelimiter);
                var targets = new List<ExpectedCopy>();
                for (var p = 0; p < pieces.Count; p++)
                {
                    var text = pieces[p].Trim();
                    if (text.Length == 0) continue;
                    if (tally != null) tally.AnyUrl = true;
                    hadEntryBefore = true;
                    Count(t, c => c.UrlsBefore++);
                    void Problem(string message) { problems++; tally?.Problems.Add(new CsvProblem { Line = rec.Line, RowId = rowId, Column = column, Message = message }); }
                    var url = S3Url.Parse(text, Buckets.Contains);
                    if (url == null) { Problem($"'{Redact.Url(text)}' is not an S3 URL"); continue; }
                    tally?.UrlBuckets.Add(url.Bucket);
                    if (!Buckets.Contains(url.Bucket)) { Problem($"'{url.Redacted}' points to bucket '{url.Bucket}', outside the migration (buckets {string.Join(", ", Buckets.OrderBy(b => b))})"); continue; }
                    var (copy, encoded) = Lookup(url, _bySource);
                    if (copy == null)
                    {
                        var (already, _) = Lookup(url, _byTarget);
                        if (already != null)
                        {
                            if (tally != null) tally.MatchedAny = true;
                            Count(t, c => c.NewLayoutBefore++);
                            if (PersonPattern.NormalizeRowId(already.RowId) != norm) Problem($"'{url.Redacted}' is a file of row_id {already.RowId} ({already.PersonName}), not of this row");
                        }
                        else { oldLayoutLeft = true; if (tally != null) tally.Cmp.NotMigrated++; }
                        continue;
                    }
                    if (tally != null) tally.MatchedAny = true;
                    if (url.Query.Length > 0) { Problem($"'{url.Redacted}' is a signed URL (it has a query string); a rewritten signature would be invalid, so sign new URLs instead"); continue; }
                    if (PersonPattern.NormalizeRowId(copy.RowId) != norm) { Problem($"'{url.Redacted}' is a file of row_id {copy.RowId} ({copy.PersonName}), not of this row"); continue; }
                    if (copy.FileType != t) { Problem($"'{url.Redacted}' is a {copy.FileType} file, but {column} holds {t}"); continue; }
                    var rewritten = url.With(copy.TargetBucket, copy.TargetKey, encoded);
                    if (!Proven)
                    {
                        var naming = _naming.NamingProblem(copy.RowId, copy.PersonName, copy.SourceKey, copy.TargetKey);
                        if (naming != null) { Problem($"its copy '{copy.TargetKey}' does not follow the naming rule: {naming}"); continue; }
                        var (check, _) = Lookup(S3Url.Parse(rewritten, Buckets.Contains)!, _byTarget);
                        if (check != copy) { Problem($"the rewritten URL would not name '{copy.TargetKey}'"); continue; }
                    }
                    pieces[p] = pieces[p].Replace(text, rewritten);
                    targets.Add(copy);
                    plan.Changes.Add(new CsvUrlChange { RowId = rowId, PersonName = Name(csvName, copy), Column = column, OldUrl = url.Redacted, NewUrl = rewritten, FileType = t, Action = CsvChangeAction.Rewritten, Line = rec.Line });
                    if (tally != null) tally.Cmp.Rewritten++;
                }
                var newValue = _o.UrlDelimiter != null ? string.Join(_o.UrlDelimiter, pieces) : pieces[0];
                var ofType = copies.Where(e => e.FileType == t).ToList();
                Count(t, c => c.VerifiedFiles += ofType.Count);
                if (newValue.Trim().Length == 0 && ofType.Count > 0)
                {
                    // The plan's "no empty URLs where files exist": the person's verified files of this type fill the cell.
                    var urls = (_o.UrlDelimiter != null ? ofType : ofType.Take(1)).Select(e => S3Url.Create(_model, e.TargetBucket, e.TargetKey)).ToList();
                    newValue = _o.UrlDelimiter != null ? string.Join(_o.UrlDelimiter, urls) : urls[0];
                    targets.AddRange(_o.UrlDelimiter != null ? ofType : ofType.Take(1));
                    plan.Changes.Add(new CsvUrlChange
                    {
                        RowId = rowId, PersonName = Name(csvName, ofType[0]), Column = column, OldUrl = value, NewUrl = newValue, FileType = t, Action = CsvChangeAction.Filled, Line = rec.Line,
                    });
                    if (tally != null) tally.Cmp.Filled++;
                }
                foreach (var piece in CsvUrlUpdater.Pieces(newValue, _o.UrlDelimiter).Where(x => x.Trim().Length > 0))
                {
                    hasEntryAfter = true;
                    if (counts == null) continue;
                    counts[t].UrlsAfter++;
                    if (S3Url.Parse(piece.Trim(), Buckets.Contains) is { } after && Lookup(after, _byTarget).Copy != null) counts[t].NewLayoutAfter++;
                }
                if (exists && newValue != value) plan.Cells[index] = newValue;
                if (!exists) appended[index - _header.Count] = newValue;
                if (targets.Count > 0) plan.Targets[index] = targets.Select(c => c.TargetKey).ToList();
            }

            // Done when the person has verified files, no URL is left in the old layout and nothing of theirs is still
            // to copy. A row with no files at all is not done: nothing of it was migrated (the inventory lists it
            // under csv_rows_without_files).
            var verified = _verifiedByPerson.TryGetValue(norm, out var all) ? all : new List<ExpectedCopy>();
            var completed = verified.Count > 0 && !oldLayoutLeft && problems == 0 && !_unfinished.Contains(norm);
            if (tally != null)
            {
                tally.Rows++;
                if (verified.Count == 0 && !_unfinished.Contains(norm)) tally.Cmp.PeopleWithoutFiles++;
                if (completed) tally.Cmp.PeopleCompleted++;
                if (hadEntryBefore) tally.Cmp.PeopleWithEntriesBefore++;
                if (hasEntryAfter) tally.Cmp.PeopleWithEntriesAfter++;
            }
            void SetOwn(string name, string v)
            {
                var i = Column(name);
                if (i < 0) return;
                if (i >= _header.Count) appended[i - _header.Count] = v;
                else if (rec.Fields[i].Value != v) plan.Cells[i] = v;
            }
            foreach (var t in Types) SetOwn(CsvUpdateOptions.CountColumn(t), verified.Count(e => e.FileType == t).ToString(CultureInfo.InvariantCulture));
            SetOwn(CsvUpdateOptions.CompletedColumn, completed ? "true" : "false");
            if (Added.Count > 0) plan.Appended = appended;
            return plan;
        }

        private static string Name(string csvName, ExpectedCopy copy) => csvName.Length > 0 ? csvName : copy.PersonName;

        internal static S3Location SourceOf(ExpectedCopy e) => new S3Location(e.SourceBucket, e.SourceKey);

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
