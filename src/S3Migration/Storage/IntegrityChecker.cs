using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Journal;
using S3Migration.Planning;

namespace S3Migration.Storage
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
        /// <summary>What the destination must still match: the one rule's input, from what the copy recorded.</summary>
        public CopyProof Proof => CopyProof.FromRecord(Size, SourceETag, Md5, DestinationETag, ContentType, HeadersDigest, TagCount);
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
                HeadersDigest = r.HeadersDigest, TagCount = r.TagCount,
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
        public int ThrottleLimit { get; set; } = 16;
        /// <summary>People CSV rows by normalized row id: every person in it must have all their files.</summary>
        public IReadOnlyDictionary<string, PersonRow>? CsvRows { get; set; }
        /// <summary>What the inventory planned, by "bucket\nkey"; each must have a verified destination.</summary>
        public IReadOnlyDictionary<string, Reports.PlannedObject>? Planned { get; set; }
        /// <summary>Every source key the inventory saw (bucket\nkey), to tell uploads made after it.</summary>
        public ISet<string>? Inventoried { get; set; }
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
            var sources = _o.SkipSourceCheck ? new Dictionary<string, SourceObject>() : ListPersonFolders(expected, ct);

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
                    list.Add(new IntegrityResult
                    {
                        Status = IntegrityStatus.Missing, SourceBucket = bucket, SourceKey = key, FileType = p.Value.FileType,
                        RowId = p.Value.RowId, PersonName = p.Value.PersonName, TargetKey = p.Value.TargetKey,
                        TargetBucket = expected.FirstOrDefault()?.TargetBucket ?? bucket,
                        Reason = "planned by the inventory but never copied",
                    });
                }

            // Anything in a destination type folder that no copy of this migration put there.
            var targets = new HashSet<string>(all.Select(e => e.TargetBucket + "\n" + e.TargetKey), StringComparer.Ordinal);
            foreach (var d in destinations.Where(d => !targets.Contains(d.Key)).OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                var (bucket, key) = (d.Key.Substring(0, d.Key.IndexOf('\n')), d.Key.Substring(d.Key.IndexOf('\n') + 1));
                list.Add(new IntegrityResult
                {
                    Status = IntegrityStatus.Unexpected, TargetBucket = bucket, TargetKey = key, DestinationSize = d.Value.Size, DestinationETag = d.Value.ETag,
                    FileType = TypeFolderOf(key), Reason = "in a destination type folder, but no copy of this migration put it there",
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
                var outcome = await _hasher.VerifyAsync(e.Proof, dst, e.SourceBucket, e.SourceKey, e.TargetBucket, e.TargetKey, _o.Deep, _calls, retries, ct).ConfigureAwait(false);
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

        /// <summary>Every object in the old person folders of the copies (one listing per folder).</summary>
        private Dictionary<string, SourceObject> ListPersonFolders(IReadOnlyList<ExpectedCopy> expected, CancellationToken ct)
        {
            var folders = new HashSet<(string Bucket, string Folder)>();
            foreach (var e in expected)
            {
                var start = e.RowId.Length > 0 ? e.SourceKey.IndexOf(e.RowId + "_", StringComparison.Ordinal) : -1;
                var end = e.SourceKey.IndexOf('/', Math.Max(0, start));
                if (start >= 0 && end > start && (start == 0 || e.SourceKey[start - 1] == '/')) folders.Add((e.SourceBucket, e.SourceKey.Substring(0, end + 1)));
                else folders.Add((e.SourceBucket, e.SourceKey.Substring(0, e.SourceKey.LastIndexOf('/') + 1)));
            }
            var index = new Dictionary<string, SourceObject>(StringComparer.Ordinal);
            foreach (var (bucket, folder) in folders)
                foreach (var o in _lister.ListObjects(bucket, folder, ct))
                    index[bucket + "\n" + o.Key] = o;
            return index;
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
            };
            s.AllVerified = s.Verified == s.Checked && s.Checked > 0;
            foreach (var r in list.Where(r => r.Status != IntegrityStatus.Unexpected))
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
                    if (byPerson.TryGetValue(id, out var files) && files.Any(f => f.Status != IntegrityStatus.Verified))
                        s.PersonsIncomplete.Add($"{row.RowId} {row.Name}: " + string.Join(", ", files.Where(f => f.Status != IntegrityStatus.Verified).Select(f => $"{f.SourceKey} {f.Status}")));
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
