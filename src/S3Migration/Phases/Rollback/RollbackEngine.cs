using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.Reports;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Rollback
{
    /// <summary>
    /// Undoes copies: deletes a destination only while it is exactly what was copied (same size and ETag as the
    /// journal verified; the DeleteObject names that ETag in If-Match) and while its source still exists (the gate
    /// PhaseGates.WhyKeepDestination: once the cleanup deleted the source, the destination is the only live copy).
    /// Anything else is kept and reported. A key that is also a source of the plan is never deleted, so sources are
    /// never touched.
    /// </summary>
    public sealed class RollbackEngine
    {
        private readonly IAmazonS3 _s3;
        private readonly S3Calls _calls;
        private readonly ObjectDeletes _deletes;

        /// <param name="maxRetries">retries of a transient failure per request (Undo-Migration -MaxRetries)</param>
        public RollbackEngine(S3Session s3, int maxRetries = 5) : this(s3.Client, maxRetries) { }

        public RollbackEngine(IAmazonS3 s3, int maxRetries = 5)
        {
            _s3 = s3;
            _calls = new S3Calls(new RetryPolicy(maxRetries));
            _deletes = new ObjectDeletes(s3, _calls);
        }

        /// <summary>The rollback, for a caller without a pipeline thread: <paramref name="confirm"/> answers each deletion.</summary>
        /// <param name="known">what the workspace knows of the sources (the cleanup's log, the backups); without it only a HEAD tells</param>
        public async Task<List<RollbackResult>> RunAsync(IReadOnlyList<RollbackEntry> plan, Func<RollbackEntry, bool> confirm, CancellationToken ct, RollbackSources? known = null)
        {
            var results = new List<RollbackResult>();
            await foreach (var step in StepsAsync(plan, known ?? new RollbackSources(), ct).ConfigureAwait(false))
            {
                if (step is ConfirmStep<RollbackEntry> ask) ask.Confirmed = confirm(ask.Subject);
                else if (step is OutputStep<RollbackResult> done) results.Add(done.Output);
            }
            return results;
        }

        /// <summary>
        /// The rollback, step by step (PhaseSteps), in the order of the plan: for each copy, a confirmation when it would
        /// be deleted (asked after its checks, just before the delete; not confirmed leaves it, WhatIf), then its result.
        /// </summary>
        public async IAsyncEnumerable<PhaseStep> StepsAsync(IReadOnlyList<RollbackEntry> plan, RollbackSources known, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            var sources = new HashSet<S3Location>(plan.Select(p => p.Source()));
            foreach (var entry in plan)
            {
                ct.ThrowIfCancellationRequested();
                var r = new RollbackResult { Size = entry.Size };
                r.TakePlan(entry);
                if (!await DecidedBeforeDeleteAsync(r, entry, sources, known, ct).ConfigureAwait(false))
                {
                    var ask = new ConfirmStep<RollbackEntry>(entry);
                    yield return ask;
                    if (ask.Confirmed) await DeleteAsync(r, entry, ct).ConfigureAwait(false);
                    else r.Decide(RollbackStatus.WhatIf, "would be deleted");
                }
                yield return new OutputStep<RollbackResult>(r);
            }
        }

        /// <summary>True when the checks decided the copy (kept, gone or failed); false when it may be deleted.</summary>
        private async Task<bool> DecidedBeforeDeleteAsync(RollbackResult r, RollbackEntry entry, HashSet<S3Location> sources, RollbackSources known, CancellationToken ct)
        {
            if (entry.Keep.Length > 0) { r.Decide(RollbackStatus.Kept, entry.Keep); return true; }
            if (sources.Contains(entry.Target()) || entry.TargetKey.Length == 0)
                { r.Decide(RollbackStatus.Kept, "the key is also a source of this migration; sources are never deleted"); return true; }
            ObjectFacts? now;
            try { now = await _calls.Run(() => ObjectHead.GetAsync(_s3, entry.TargetBucket, entry.TargetKey, ct), new RetryCount(), ct).ConfigureAwait(false); }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                r.Decide(RollbackStatus.Failed, "could not be checked: " + Why(ex));
                return true;
            }
            if (now == null) { r.Decide(RollbackStatus.AlreadyGone, "the destination no longer exists"); return true; }
            if (entry.DestinationETag.Length == 0)
                { r.Decide(RollbackStatus.Kept, "no verified ETag was recorded for it, so it cannot be proven to be the migration's copy"); return true; }
            // Exactly what was copied, by the one rule against the journal's record: size, the verified ETag, the headers
            // and user metadata, the tags. A copy someone changed since (even its metadata only) is theirs now: kept.
            if (VerificationRule.Compare(entry.Proof, now, readContent: false) is { Verdict: not Verdict.Verified } changed)
            {
                r.Decide(RollbackStatus.Kept, $"changed since the copy (now {now.Size} bytes, ETag {now.ETag}; copied {entry.Size} bytes, ETag {ETag.Clean(entry.DestinationETag)}): {changed.Why}");
                return true;
            }
            if (PhaseGates.WhyKeepDestination(await SourceFactsAsync(entry, known, ct).ConfigureAwait(false)) is { } why) { r.Decide(RollbackStatus.Kept, why); return true; }
            return false;
        }

        private async Task DeleteAsync(RollbackResult r, RollbackEntry entry, CancellationToken ct)
        {
            try
            {
                // If-Match: S3 refuses (412) if the object was rewritten between the HEAD above and this request.
                switch (await _deletes.DeleteIfMatchAsync(entry.TargetBucket, entry.TargetKey, entry.DestinationETag, ct).ConfigureAwait(false))
                {
                    case ConditionalDelete.Deleted: r.Decide(RollbackStatus.Deleted, "deleted: it was exactly the migration's copy"); break;
                    case ConditionalDelete.ChangedSinceCheck:
                        r.Decide(RollbackStatus.Kept, "changed since the copy: it was rewritten after it was checked (S3 refused the conditional delete, 412 PreconditionFailed)");
                        break;
                    default: r.Decide(RollbackStatus.AlreadyGone, "the destination no longer exists"); break;
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                r.Decide(RollbackStatus.Failed, "DeleteObject failed: " + Why(ex));
            }
        }

        /// <summary>
        /// Where the source of a copy is now: a HEAD first (a source put back after the cleanup counts as present), and
        /// when it answers 404, the cleanup's log tells whether Remove-MigrationSource deleted or hid it.
        /// </summary>
        private async Task<UndoFacts> SourceFactsAsync(RollbackEntry entry, RollbackSources known, CancellationToken ct)
        {
            var f = new UndoFacts
            {
                SourceBucket = entry.SourceBucket, SourceKey = entry.SourceKey, TargetBucket = entry.TargetBucket, TargetKey = entry.TargetKey,
                BackupPath = known.Backups.TryGetValue(entry.Source(), out var backup) ? backup : "",
                CsvReferences = known.CsvReferences == null ? null
                    : known.CsvReferences.TryGetValue(entry.Target(), out var named) ? named : new List<CsvUrlReference>(),
            };
            try
            {
                var head = await _calls.Run(() => ObjectHead.GetAsync(_s3, entry.SourceBucket, entry.SourceKey, ct), new RetryCount(), ct).ConfigureAwait(false);
                if (head != null) { f.Source = SourceNow.Present; return f; }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                f.Source = SourceNow.Unknown;
                f.Detail = "HEAD failed: " + Why(ex);
                return f;
            }
            f.Source = SourceNow.Missing;
            if (known.Cleanup.TryGetValue(entry.Source(), out var row) && row.IsGone)
            {
                f.Source = row.Status == DeletionRow.DeleteMarker ? SourceNow.HiddenByDeleteMarker : SourceNow.DeletedByCleanup;
                f.VersionId = row.VersionId;
                if (row.DeletedAt.HasValue) f.Detail = $"on {row.DeletedAt.Value.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z";
            }
            return f;
        }

        private static string Why(Exception ex) => ex is AmazonS3Exception s3 ? $"{(int)s3.StatusCode} {s3.ErrorCode}" : ex.GetBaseException().Message;
    }
}
