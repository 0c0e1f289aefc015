using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Integrity
{
    /// <summary>One copy the migration made (or meant to make), from the journal or from Copy-PersonFiles' results.</summary>
    public sealed class ExpectedCopy
    {
        public string RowId { get; set; } = "";
        public string PersonName { get; set; } = "";
        public string FileType { get; set; } = "";
        public string SourceBucket { get; set; } = "";
        public string SourceKey { get; set; } = "";
        public string TargetBucket { get; set; } = "";
        public string TargetKey { get; set; } = "";
        public long Size { get; set; }
        public string Md5 { get; set; } = "";
        public string SourceETag { get; set; } = "";
        public string DestinationETag { get; set; } = "";
        public string ContentType { get; set; } = "";
        /// <summary>The source's preserved headers and user metadata as one digest, as the copy journaled it ("" in old journals).</summary>
        public string HeadersDigest { get; set; } = "";
        /// <summary>How many tags the copy gave the destination; null when unknown.</summary>
        public int? TagCount { get; set; }
        /// <summary>A digest of the tags the copy set; "" when unknown.</summary>
        public string TagsDigest { get; set; } = "";
        /// <summary>What the destination must still match: the one rule's input, from what the copy recorded.</summary>
        public CopyProof Proof => CopyProof.FromRecord(Size, SourceETag, Md5, DestinationETag, ContentType, HeadersDigest, TagCount, TagsDigest);
        /// <summary>True when the copy verified it (Verified or Skipped); false for Failed and Conflict.</summary>
        public bool Migrated { get; set; }
        public string Notes { get; set; } = "";
        /// <summary>When the copy was made (or attempted).</summary>
        public DateTime Timestamp { get; set; }
        /// <summary>
        /// Why a rollback must keep the destination even while it is unchanged: the migration did not create it (it
        /// already held identical content) or replaced other content there (-Force). Empty when the migration created it.
        /// </summary>
        public string Keep { get; set; } = "";

        public const string KeepFoundIdentical = "it held identical content before the migration (Copy-PersonFiles found it and copied nothing), so it is not the migration's to delete";
        public const string KeepOverwritten = "was overwritten by -Force; the earlier content cannot be restored, so the copy is kept";

        /// <summary>The copies of a journal: for each source, its last verified row, else its last row.</summary>
        public static List<ExpectedCopy> FromJournal(IEnumerable<JournalRow> rows)
        {
            var last = new Dictionary<string, JournalRow>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (var r in rows)
            {
                if (!last.TryGetValue(r.OldPath, out var seen)) { order.Add(r.OldPath); last[r.OldPath] = r; continue; }
                if (r.VerificationStatus == JournalRow.Verified || seen.VerificationStatus != JournalRow.Verified) last[r.OldPath] = r;
            }
            var keep = KeepReasons(rows);
            return order.Select(p =>
            {
                var e = FromRow(last[p]);
                if (e.Migrated && keep.TryGetValue(last[p].NewPath, out var why)) e.Keep = why;
                return e;
            }).ToList();
        }

        /// <summary>
        /// Per destination path, why a rollback must keep it, from its verified rows in journal order: a copy made
        /// with If-None-Match (no -Force note) created the object; a comparison that found identical content
        /// created nothing; a -Force copy replaced other content, unless the migration had created that content itself.
        /// </summary>
        private static Dictionary<string, string> KeepReasons(IEnumerable<JournalRow> rows)
        {
            var created = new Dictionary<string, bool>(StringComparer.Ordinal);
            var keep = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var r in rows.Where(r => r.VerificationStatus == JournalRow.Verified))
            {
                created.TryGetValue(r.NewPath, out var ours);
                if (r.FoundIdentical) { if (!ours && !keep.ContainsKey(r.NewPath)) keep[r.NewPath] = KeepFoundIdentical; }
                else if (r.Overwrote) { if (!ours) keep[r.NewPath] = KeepOverwritten; }
                else { created[r.NewPath] = true; keep.Remove(r.NewPath); }
            }
            return keep;
        }

        /// <summary>One journal row as a copy to check (Migrated when the row is verified).</summary>
        public static ExpectedCopy FromRow(JournalRow r)
        {
            var (sb, sk) = SplitPath(r.OldPath);
            var (tb, tk) = SplitPath(r.NewPath);
            return new ExpectedCopy
            {
                RowId = r.RowId, PersonName = r.PersonName, FileType = r.FileType, SourceBucket = sb, SourceKey = sk, TargetBucket = tb, TargetKey = tk,
                Size = r.Size, Md5 = r.Md5, SourceETag = r.SourceETag, DestinationETag = r.DestinationETag, ContentType = r.ContentType,
                HeadersDigest = r.HeadersDigest, TagCount = r.TagCount, TagsDigest = r.TagsDigest,
                Migrated = r.VerificationStatus == JournalRow.Verified, Notes = r.Error, Timestamp = r.Timestamp,
            };
        }

        /// <summary>s3://bucket/key into bucket and key.</summary>
        public static (string Bucket, string Key) SplitPath(string path)
        {
            var rest = path.StartsWith("s3://", StringComparison.Ordinal) ? path.Substring(5) : path;
            var slash = rest.IndexOf('/');
            return slash < 0 ? (rest, "") : (rest.Substring(0, slash), rest.Substring(slash + 1));
        }
    }

    public sealed class IntegrityOptions
    {
        /// <summary>Hash both sides' content where ETags cannot prove equality (multipart or SSE-KMS copies).</summary>
        public bool Deep { get; set; }
        /// <summary>After cleanup the sources are gone on purpose: do not check them.</summary>
        public bool SkipSourceCheck { get; set; }
        /// <summary>
        /// Read each destination's tags (one GetObjectTagging each) and compare them with the ones the copy set, not only
        /// their number: -Deep does, and so does the cleanup before it deletes a source.
        /// </summary>
        public bool ReadTags { get; set; }
        /// <summary>
        /// List the old person folders even with <see cref="SkipSourceCheck"/>, to report new uploads into the old layout
        /// after the cleanup (the 30-day watch). The source removal, which asks only about its candidates' destinations, does not.
        /// </summary>
        public bool WatchOldLayout { get; set; }
        public int ThrottleLimit { get; set; } = 16;
        /// <summary>People CSV rows by normalized row id: every person in it must have all their files.</summary>
        public IReadOnlyDictionary<string, PersonRow>? CsvRows { get; set; }
        /// <summary>What the inventory planned, by "bucket\nkey"; each must have a verified destination.</summary>
        public IReadOnlyDictionary<string, PlannedObject>? Planned { get; set; }
        /// <summary>Every source key the inventory saw (bucket\nkey), to tell uploads made after it.</summary>
        public ISet<string>? Inventoried { get; set; }
        /// <summary>Planned files the operator left out of the copy (excluded_by_choice.csv), by "bucket\nkey": Excluded, not Missing.</summary>
        public IReadOnlyDictionary<string, Workspace.ExcludedFile>? Excluded { get; set; }
        /// <summary>
        /// The people CSV's rows (the one the workspace serves), by normalized row id: a new upload for one of them that
        /// follows the naming rule is information, also for a person added after the migration.
        /// </summary>
        public IReadOnlyDictionary<string, PersonRow>? People { get; set; }
        public FileTypeMap Types { get; set; } = FileTypeMap.Default;
    }

    /// <summary>
    /// Test-MigrationIntegrity's work: is every file where it should be, byte for byte? It lists the destination type
    /// folders and the old person folders once (one request per 1,000 objects), HEADs each migrated destination
    /// (headers and ETag), and with -Deep hashes content that ETags cannot prove. It never writes to S3.
    /// </summary>
    public sealed class IntegrityChecker
    {
        private readonly IAmazonS3 _s3;
        private readonly S3Lister _lister;
        private readonly S3Calls _calls;
        private readonly ContentHasher _hasher;
        private readonly IntegrityOptions _o;

        public IntegrityChecker(IAmazonS3 s3, string where, IntegrityOptions options)
        {
            _s3 = s3; _o = options;
            var retry = new RetryPolicy(5);
            _lister = new S3Lister(s3, where, retry);
            _calls = new S3Calls(retry);
            _hasher = new ContentHasher(s3);
        }

        public long Requests => _calls.Requests + _lister.Requests;

        /// <param name="expected">the copies to check</param>
        /// <param name="known">
        /// every copy of the migration (the workspace's journal), when <paramref name="expected"/> may be part of it: its
        /// targets are not Unexpected, and its sources are neither "never copied" nor new uploads; they are not checked.
        /// </param>
        public (List<IntegrityResult> Results, IntegritySummary Summary) Check(IReadOnlyList<ExpectedCopy> expected, CancellationToken ct, IReadOnlyList<ExpectedCopy>? known = null)
        {
            var all = known == null ? expected : expected.Concat(known).ToList();
            var migrated = expected.Where(e => e.Migrated).ToList();
            var destinations = ListDestinations(expected, ct);
            // Listed also with -SkipSourceCheck when watching: after the cleanup the sources are gone on purpose, but a new
            // upload into an old person folder is still an alarm.
            var sources = _o.SkipSourceCheck && !_o.WatchOldLayout ? new Dictionary<string, SourceObject>() : ListPersonFolders(expected, ct);

            var results = new ConcurrentDictionary<int, IntegrityResult>();
            using (var slots = new SemaphoreSlim(_o.ThrottleLimit))
                Task.WhenAll(migrated.Select(async (e, i) =>
                {
                    await slots.WaitAsync(ct).ConfigureAwait(false);
                    try { results[i] = await CheckOneAsync(e, destinations, sources, ct).ConfigureAwait(false); }
                    finally { slots.Release(); }
                })).GetAwaiter().GetResult();
            var list = Enumerable.Range(0, migrated.Count).Select(i => results[i]).ToList();

            foreach (var e in expected.Where(e => !e.Migrated))
                list.Add(Result(e, IntegrityStatus.Missing, $"not migrated: {(e.Notes.Length > 0 ? e.Notes : "the copy did not verify")}"));
            var expectedSources = new HashSet<string>(all.Select(e => e.SourceBucket + "\n" + e.SourceKey), StringComparer.Ordinal);
            if (_o.Planned != null)
                foreach (var p in _o.Planned.Where(p => !expectedSources.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var (bucket, key) = (p.Key.Substring(0, p.Key.IndexOf('\n')), p.Key.Substring(p.Key.IndexOf('\n') + 1));
                    // Left out by a filter before Copy-PersonFiles, as the copy recorded: the operator's choice, not a loss.
                    Workspace.ExcludedFile? excluded = null;
                    var byChoice = _o.Excluded != null && _o.Excluded.TryGetValue(p.Key, out excluded);
                    list.Add(new IntegrityResult
                    {
                        Status = byChoice ? IntegrityStatus.Excluded : IntegrityStatus.Missing, SourceBucket = bucket, SourceKey = key, FileType = p.Value.FileType,
                        RowId = p.Value.RowId, PersonName = p.Value.PersonName, TargetKey = p.Value.TargetKey,
                        TargetBucket = expected.FirstOrDefault()?.TargetBucket ?? bucket,
                        Reason = byChoice
                            ? $"left out of the copy by choice: it never reached Copy-PersonFiles (a filter before it; {Workspace.ExcludedByChoice.FileName}, {excluded!.ExcludedAt:u}); pipe it to Copy-PersonFiles to migrate it"
                            : "planned by the inventory but never copied",
                    });
                }

            // Anything in a destination type folder that no copy of this migration put there: the application's upload
            // when its key is the one the naming rule gives a known person (information), else an alarm.
            var targets = new HashSet<string>(all.Select(e => e.TargetBucket + "\n" + e.TargetKey), StringComparer.Ordinal);
            var persons = KnownPersons(all);
            foreach (var d in destinations.Where(d => !targets.Contains(d.Key)).OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                var (bucket, key) = (d.Key.Substring(0, d.Key.IndexOf('\n')), d.Key.Substring(d.Key.IndexOf('\n') + 1));
                var problem = NewUploadRule.Problem(key, _o.Types, persons, out var rowId, out var name);
                list.Add(new IntegrityResult
                {
                    Status = problem == null ? IntegrityStatus.NewUpload : IntegrityStatus.Unexpected, TargetBucket = bucket, TargetKey = key,
                    DestinationSize = d.Value.Size, DestinationETag = d.Value.ETag, FileType = TypeFolderOf(key),
                    RowId = rowId, PersonName = name,
                    Reason = problem == null
                        ? $"a new upload for {rowId} {name} whose key follows the naming rule (last modified {d.Value.LastModified:u}); information, not an alarm"
                        : $"in a destination type folder, but no copy of this migration put it there, and its key does not follow the naming rule: {problem}",
                });
            }
            // Other objects in the old person folders. Written after the migration began: new uploads, which should now
            // go to the new layout. Older: files that were there all along but were not migrated (left out of the copy).
            var started = all.Where(e => e.Timestamp != default).Select(e => e.Timestamp).DefaultIfEmpty(DateTime.MaxValue).Min();
            foreach (var s in sources.Where(s => !expectedSources.Contains(s.Key) && (_o.Inventoried == null || !_o.Inventoried.Contains(s.Key))
                                                 && !s.Key.EndsWith("/", StringComparison.Ordinal)).OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var (bucket, key) = (s.Key.Substring(0, s.Key.IndexOf('\n')), s.Key.Substring(s.Key.IndexOf('\n') + 1));
                // Not in an inventory taken before the copy: new. Without one, go by time, at S3's one-second resolution.
                var before = _o.Inventoried == null && s.Value.LastModified.HasValue && started != DateTime.MaxValue
                             && s.Value.LastModified.Value.ToUniversalTime() < started.ToUniversalTime().AddTicks(-(started.Ticks % TimeSpan.TicksPerSecond));
                list.Add(new IntegrityResult
                {
                    Status = before ? IntegrityStatus.Missing : IntegrityStatus.Unexpected,
                    SourceBucket = bucket, SourceKey = key, SourceSize = s.Value.Size, SourceETag = ETag.Clean(s.Value.ETag), FileType = _o.Types.Classify(key),
                    Reason = before
                        ? $"in an old person folder since before the migration (last modified {s.Value.LastModified:u}), but never copied"
                          + " (if a filter left it out on purpose, give Get-MigrationInventory the copy's -WorkspacePath: then Copy-PersonFiles records the choice)"
                        : $"new upload in an old person folder (last modified {s.Value.LastModified:u}); uploads should go to the new layout",
                });
            }
            return (list, Summarize(list, expected));
        }

        private async Task<IntegrityResult> CheckOneAsync(ExpectedCopy e, Dictionary<string, SourceObject> destinations, Dictionary<string, SourceObject> sources, CancellationToken ct)
        {
            var r = Result(e, IntegrityStatus.Verified, "");
            var retries = new StrongBox<int>();
            try
            {
                if (!destinations.ContainsKey(e.TargetBucket + "\n" + e.TargetKey))
                    return Set(r, IntegrityStatus.Missing, "the destination is missing");
                var dst = await _calls.Run(() => ObjectHead.GetAsync(_s3, e.TargetBucket, e.TargetKey, ct), retries, ct).ConfigureAwait(false);
                if (dst == null) return Set(r, IntegrityStatus.Missing, "the destination is missing");
                r.DestinationSize = dst.Size; r.DestinationETag = dst.ETag; r.ContentType = dst.ContentType;
                r.ContentTypeMatch = e.ContentType.Length == 0 ? (bool?)null : dst.ContentType == e.ContentType;

                // The one rule, against what the copy recorded (the source may be gone): size, headers and metadata, tags,
                // the ETag the copy verified, and the content; -Deep reads both contents where no ETag proves them.
                var problems = new List<string>();
                var outcome = await _hasher.VerifyAsync(e.Proof, dst, e.SourceBucket, e.SourceKey, e.TargetBucket, e.TargetKey, _o.Deep, _calls, retries, ct,
                    readTags: _o.Deep || _o.ReadTags).ConfigureAwait(false);
                if (outcome.Verdict == Verdict.Mismatch) problems.Add(outcome.Why);
                else if (outcome.Verdict == Verdict.Unproven) problems.Add("no recorded ETag or MD5 to compare; use -Deep");
                r.CheckedBy = outcome.How;
                var naming = e.RowId.Length > 0 ? new TargetKeyBuilder(_o.Types, "").NamingProblem(e.RowId, e.PersonName, e.SourceKey, e.TargetKey) : null;
                if (naming != null) problems.Add("the target key does not follow the naming rule: " + naming);
                if (problems.Count > 0) return Set(r, IntegrityStatus.Mismatch, string.Join("; ", problems));

                if (!_o.SkipSourceCheck)
                {
                    if (!sources.TryGetValue(e.SourceBucket + "\n" + e.SourceKey, out var src))
                        return Set(r, IntegrityStatus.SourceChanged, "the source is gone (expected until cleanup)");
                    r.SourceSize = src.Size;
                    var liveEtag = ETag.Clean(src.ETag);
                    if (src.Size != e.Size || (e.SourceETag.Length > 0 && liveEtag != ETag.Clean(e.SourceETag)))
                        return Set(r, IntegrityStatus.SourceChanged, $"the source changed since the copy (now {src.Size} bytes, ETag {liveEtag})");
                }
                return r;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                return Set(r, IntegrityStatus.Mismatch, "could not be checked: " + (ex is AmazonS3Exception s3 ? $"{(int)s3.StatusCode} {s3.ErrorCode}" : ex.GetBaseException().Message));
            }
        }

        /// <summary>Every object in the destination type folders the copies used (and the map's other type folders beside them).</summary>
        private Dictionary<string, SourceObject> ListDestinations(IReadOnlyList<ExpectedCopy> expected, CancellationToken ct)
        {
            var folders = new HashSet<(string Bucket, string Folder)>();
            foreach (var e in expected.Where(e => e.TargetKey.Contains('/')))
            {
                var folder = e.TargetKey.Substring(0, e.TargetKey.LastIndexOf('/') + 1);
                var type = folder.TrimEnd('/');
                var prefix = type.Contains('/') ? type.Substring(0, type.LastIndexOf('/') + 1) : "";
                folders.Add((e.TargetBucket, folder));
                foreach (var t in _o.Types.Folders) folders.Add((e.TargetBucket, prefix + t + "/"));
            }
            var index = new Dictionary<string, SourceObject>(StringComparer.Ordinal);
            foreach (var (bucket, folder) in folders)
                foreach (var o in _lister.ListObjects(bucket, folder, ct).Where(o => o.Key.IndexOf('/', folder.Length) < 0))
                    index[bucket + "\n" + o.Key] = o;
            return index;
        }

        /// <summary>
        /// Every object in the old person folders of the copies, and of the files the inventory planned (a person whose
        /// every file was left out of the copy still has a folder to upload into); one listing per folder.
        /// </summary>
        private Dictionary<string, SourceObject> ListPersonFolders(IReadOnlyList<ExpectedCopy> expected, CancellationToken ct)
        {
            var folders = new HashSet<(string Bucket, string Folder)>();
            void Add(string bucket, string sourceKey, string rowId)
            {
                var start = rowId.Length > 0 ? sourceKey.IndexOf(rowId + "_", StringComparison.Ordinal) : -1;
                var end = sourceKey.IndexOf('/', Math.Max(0, start));
                if (start >= 0 && end > start && (start == 0 || sourceKey[start - 1] == '/')) folders.Add((bucket, sourceKey.Substring(0, end + 1)));
                else folders.Add((bucket, sourceKey.Substring(0, sourceKey.LastIndexOf('/') + 1)));
            }
            foreach (var e in expected) Add(e.SourceBucket, e.SourceKey, e.RowId);
            if (_o.Planned != null)
                foreach (var p in _o.Planned) Add(p.Key.Substring(0, p.Key.IndexOf('\n')), p.Key.Substring(p.Key.IndexOf('\n') + 1), p.Value.RowId);
            var index = new Dictionary<string, SourceObject>(StringComparer.Ordinal);
            foreach (var (bucket, folder) in folders)
                foreach (var o in _lister.ListObjects(bucket, folder, ct))
                    index[bucket + "\n" + o.Key] = o;
            return index;
        }

        /// <summary>
        /// The people whose new uploads are expected, by normalized row id, with every name the naming rule may have been
        /// given: the person folders of the migration (copies and plan) and the names of the people CSV.
        /// </summary>
        private Dictionary<string, ISet<string>> KnownPersons(IEnumerable<ExpectedCopy> all)
        {
            var persons = new Dictionary<string, ISet<string>>(StringComparer.Ordinal);
            void Add(string rowId, string name)
            {
                if (rowId.Length == 0 || name.Length == 0) return;
                var id = PersonPattern.NormalizeRowId(rowId);
                if (!persons.TryGetValue(id, out var names)) persons[id] = names = new HashSet<string>(StringComparer.Ordinal);
                names.Add(name);
            }
            foreach (var e in all) Add(e.RowId, e.PersonName);
            if (_o.Planned != null) foreach (var p in _o.Planned.Values) Add(p.RowId, p.PersonName);
            foreach (var rows in new[] { _o.CsvRows, _o.People })
                if (rows != null) foreach (var r in rows.Values) Add(r.RowId, r.Name);
            return persons;
        }

        private IntegritySummary Summarize(List<IntegrityResult> list, IReadOnlyList<ExpectedCopy> expected)
        {
            var s = new IntegritySummary
            {
                Checked = list.Count, CheckedAt = DateTime.UtcNow,
                Verified = list.Count(r => r.Status == IntegrityStatus.Verified),
                Missing = list.Count(r => r.Status == IntegrityStatus.Missing),
                Mismatch = list.Count(r => r.Status == IntegrityStatus.Mismatch),
                SourceChanged = list.Count(r => r.Status == IntegrityStatus.SourceChanged),
                Unexpected = list.Count(r => r.Status == IntegrityStatus.Unexpected),
                Excluded = list.Count(r => r.Status == IntegrityStatus.Excluded),
                NewUploads = list.Count(r => r.Status == IntegrityStatus.NewUpload),
            };
            // Files left out by choice and the application's new uploads are information: they never make it false.
            s.AllVerified = s.Verified > 0 && !list.Any(r => r.Status.IsAlarm());
            foreach (var r in list.Where(r => r.Status == IntegrityStatus.NewUpload)) s.NewUploadKeys.Add(JournalRow.S3Path(r.TargetBucket, r.TargetKey));
            foreach (var r in list.Where(r => r.Status != IntegrityStatus.Unexpected && r.Status != IntegrityStatus.NewUpload && r.Status != IntegrityStatus.Excluded))
            {
                var type = r.FileType.Length > 0 ? r.FileType : FileTypeMap.Unknown;
                s.ByType.TryGetValue(type, out var t);
                s.ByType[type] = (t.Expected + 1, t.Verified + (r.Status == IntegrityStatus.Verified ? 1 : 0));
            }
            foreach (var r in list.Where(r => r.Status == IntegrityStatus.Missing)) s.MissingKeys.Add(JournalRow.S3Path(r.SourceBucket, r.SourceKey));
            if (_o.CsvRows != null)
            {
                var byPerson = list.Where(r => r.RowId.Length > 0).GroupBy(r => PersonPattern.NormalizeRowId(r.RowId)).ToDictionary(g => g.Key, g => g.ToList());
                foreach (var row in _o.CsvRows.Values.OrderBy(r => r.Line))
                {
                    s.PersonsChecked++;
                    var id = PersonPattern.NormalizeRowId(row.RowId);
                    if (byPerson.TryGetValue(id, out var files) && files.Any(f => f.Status.IsAlarm()))
                        s.PersonsIncomplete.Add($"{row.RowId} {row.Name}: " + string.Join(", ", files.Where(f => f.Status.IsAlarm()).Select(f => $"{f.SourceKey} {f.Status}")));
                }
            }
            return s;
        }

        /// <summary>The folder a key sits in: "audio" for "migrated/audio/1_a_x.mp3".</summary>
        private static string TypeFolderOf(string key)
        {
            var segments = key.Split('/');
            return segments.Length >= 2 ? segments[segments.Length - 2] : "";
        }

        private static IntegrityResult Result(ExpectedCopy e, IntegrityStatus status, string reason) => new IntegrityResult
        {
            Status = status, Reason = reason, RowId = e.RowId, PersonName = e.PersonName, FileType = e.FileType, SourceBucket = e.SourceBucket,
            SourceKey = e.SourceKey, TargetBucket = e.TargetBucket, TargetKey = e.TargetKey, Md5 = e.Md5, SourceETag = ETag.Clean(e.SourceETag),
            ExpectedContentType = e.ContentType,
        };

        private static IntegrityResult Set(IntegrityResult r, IntegrityStatus status, string reason)
        {
            r.Status = status;
            r.AddReason(reason);
            return r;
        }
    }
}
