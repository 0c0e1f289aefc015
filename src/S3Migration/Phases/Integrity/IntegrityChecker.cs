using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.S3;

namespace S3Migration.Phases.Integrity
{
    /// <summary>
    /// Test-MigrationIntegrity's work: is every file where it should be, byte for byte? It lists the destination type
    /// folders and the old person folders once (one request per 1,000 objects), decides from the listing (size and the
    /// ETag the copy verified) or HEADs each migrated destination (headers and ETag: IntegrityOptions.HeadEveryCopy), and
    /// with -Deep hashes content that ETags cannot prove. It never writes to S3.
    /// </summary>
    public sealed class IntegrityChecker
    {
        private readonly IAmazonS3 _s3;
        private readonly S3Lister _lister;
        private readonly S3Calls _calls;
        private readonly ContentHasher _hasher;
        private readonly IntegrityOptions _o;

        public IntegrityChecker(S3Session s3, string where, IntegrityOptions options) : this(s3.Client, where, options) { }

        public IntegrityChecker(IAmazonS3 s3, string where, IntegrityOptions options)
        {
            _s3 = s3; _o = options;
            var retry = new RetryPolicy(options.MaxRetries);
            _lister = new S3Lister(s3, where, retry);
            _calls = new S3Calls(retry);
            _hasher = new ContentHasher(s3);
        }

        public long Requests => _calls.Requests + _lister.Requests;
        /// <summary>How many copies the run checks one by one (known once the listings are read); 0 before.</summary>
        public int ToCheck => Volatile.Read(ref _toCheck);
        /// <summary>How many of them are checked so far: the progress of a long check, read from the pipeline thread.</summary>
        public int Checked => Volatile.Read(ref _checked);
        /// <summary>How many destinations were HEADed (all, unless the listing decided: see IntegrityOptions.HeadEveryCopy).</summary>
        public int Headed => Volatile.Read(ref _headed);
        private int _toCheck, _checked, _headed;

        /// <param name="expected">the copies to check</param>
        /// <param name="known">
        /// every copy of the migration (the workspace's journal), when <paramref name="expected"/> may be part of it: its
        /// targets are not Unexpected, and its sources are neither "never copied" nor new uploads; they are not checked.
        /// </param>
        public async Task<(List<IntegrityResult> Results, IntegritySummary Summary)> CheckAsync(IReadOnlyList<ExpectedCopy> expected, CancellationToken ct,
            IReadOnlyList<ExpectedCopy>? known = null)
        {
            var all = known == null ? expected : expected.Concat(known).ToList();
            var migrated = expected.Where(e => e.Migrated).ToList();
            var listing = new IntegrityListing(_lister, _o);
            var destinations = await listing.DestinationsAsync(expected, ct).ConfigureAwait(false);
            // Listed also with -SkipSourceCheck when watching: after the cleanup the sources are gone on purpose, but a new
            // upload into an old person folder is still an alarm.
            var sources = _o.SkipSourceCheck && !_o.WatchOldLayout ? new Dictionary<S3Location, SourceObject>() : await listing.PersonFoldersAsync(expected, ct).ConfigureAwait(false);

            var checkedCopies = new IntegrityResult[migrated.Count];
            Volatile.Write(ref _toCheck, migrated.Count);
            await Parallel.ForEachAsync(Enumerable.Range(0, migrated.Count), new ParallelOptions { MaxDegreeOfParallelism = _o.ThrottleLimit, CancellationToken = ct },
                async (i, token) =>
                {
                    checkedCopies[i] = await CheckOneAsync(migrated[i], destinations, sources, token).ConfigureAwait(false);
                    Interlocked.Increment(ref _checked);
                }).ConfigureAwait(false);
            var list = checkedCopies.ToList();

            foreach (var e in expected.Where(e => !e.Migrated))
                list.Add(Result(e, IntegrityStatus.Missing, $"not migrated: {(e.Notes.Length > 0 ? e.Notes : "the copy did not verify")}"));
            var unaccounted = new UnaccountedObjects(_o, all);
            list.AddRange(unaccounted.PlannedNeverCopied(expected.FirstOrDefault()?.TargetBucket));
            list.AddRange(unaccounted.InDestinationFolders(destinations));
            list.AddRange(unaccounted.InPersonFolders(sources));
            return (list, IntegritySummarizer.Summarize(list, _o.CsvRows));
        }

        private async Task<IntegrityResult> CheckOneAsync(ExpectedCopy e, Dictionary<S3Location, SourceObject> destinations, Dictionary<S3Location, SourceObject> sources, CancellationToken ct)
        {
            var r = Result(e, IntegrityStatus.Verified, "");
            var retries = new RetryCount();
            try
            {
                if (!destinations.TryGetValue(e.Target(), out var listed))
                    return Set(r, IntegrityStatus.Missing, "the destination is missing");
                var outcome = _o.HeadEveryCopy || WrittenAfterTheCopy(listed, e) ? null : VerificationRule.CompareListed(e.Proof, listed.Size, listed.ETag);
                if (outcome != null && outcome.Verdict != Verdict.Unproven)
                {
                    // Decided from the listing: no HEAD, so no headers to report (ContentType stays empty, its match unknown).
                    r.DestinationSize = listed.Size; r.DestinationETag = ETag.Clean(listed.ETag);
                }
                else
                {
                    var dst = await _calls.Run(() => ObjectHead.GetAsync(_s3, e.TargetBucket, e.TargetKey, ct), retries, ct).ConfigureAwait(false);
                    if (dst == null) return Set(r, IntegrityStatus.Missing, "the destination is missing");
                    Interlocked.Increment(ref _headed);
                    r.DestinationSize = dst.Size; r.DestinationETag = dst.ETag; r.ContentType = dst.ContentType;
                    r.ContentTypeMatch = e.ContentType.Length == 0 ? (bool?)null : dst.ContentType == e.ContentType;

                    // The one rule, against what the copy recorded (the source may be gone): size, headers and metadata, tags,
                    // the ETag the copy verified, and the content; -Deep reads both contents where no ETag proves them.
                    outcome = await CopyVerification.VerifyAsync(_s3, _calls, _hasher, e.Proof, dst, e.Source(), e.Target(), _o.Deep, retries, ct,
                        readTags: _o.Deep || _o.ReadTags).ConfigureAwait(false);
                }
                var problems = new List<string>();
                if (outcome.Verdict == Verdict.Mismatch) problems.Add(outcome.Why);
                else if (outcome.Verdict == Verdict.Unproven) problems.Add("no recorded ETag or MD5 to compare; use -Deep");
                r.CheckedBy = outcome.How;
                var naming = e.RowId.Length > 0 ? new TargetKeyBuilder(_o.Types, "").NamingProblem(e.RowId, e.PersonName, e.SourceKey, e.TargetKey) : null;
                if (naming != null) problems.Add("the target key does not follow the naming rule: " + naming);
                if (problems.Count > 0) return Set(r, IntegrityStatus.Mismatch, string.Join("; ", problems));

                if (!_o.SkipSourceCheck)
                {
                    if (!sources.TryGetValue(e.Source(), out var src))
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
                r.CouldNotCheck = true;
                return Set(r, IntegrityStatus.Mismatch, "could not be checked: " + (ex is AmazonS3Exception s3 ? $"{(int)s3.StatusCode} {s3.ErrorCode}" : ex.GetBaseException().Message));
            }
        }

        /// <summary>
        /// Whether the listing shows the destination written since its copy: a rewrite in place (new headers or metadata on
        /// the same bytes keep an MD5 ETag) still sets LastModified, so such a copy is HEADed.
        /// A row that journaled S3's own time of the copy (destination_last_modified) is compared with it, server time with
        /// server time: any other second than the copy's means another write (S3 gives LastModified to the second, so only a
        /// rewrite within the copy's own second goes unseen; -Verify Head sees that too).
        /// An older row has only the client's journal time: the copy finished before it, so a rewrite a second or more later
        /// shows, unless the client's clock ran ahead of S3's by more than that.
        /// </summary>
        private static bool WrittenAfterTheCopy(SourceObject listed, ExpectedCopy e)
        {
            if (!listed.LastModified.HasValue) return true;
            var now = listed.LastModified.Value.ToUniversalTime();
            if (e.DestinationLastModified is { } copied) return WholeSecond(now) != WholeSecond(copied.ToUniversalTime());
            return e.Timestamp == default || now > e.Timestamp.ToUniversalTime();
        }

        private static DateTime WholeSecond(DateTime t) => t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond));

        private static IntegrityResult Result(ExpectedCopy e, IntegrityStatus status, string reason)
        {
            var r = new IntegrityResult { Status = status, Reason = reason, Md5 = e.Md5, SourceETag = ETag.Clean(e.SourceETag), ExpectedContentType = e.ContentType };
            r.TakePlan(e);
            return r;
        }

        private static IntegrityResult Set(IntegrityResult r, IntegrityStatus status, string reason)
        {
            r.Status = status;
            r.AddReason(reason);
            return r;
        }
    }
}
