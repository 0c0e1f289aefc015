using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Removal
{
    /// <summary>
    /// Remove-MigrationSource's work: deletes an old-layout source object only when its latest journal row is verified
    /// and the gate (PhaseGates.WhyKeepSource) lets it, on facts gathered right now (SourceChecks): the source unchanged
    /// since the copy, the destination identical by the one verification rule, a verified backup (unless
    /// SkipBackupCheck), and no URL of the people CSV naming it (unless SkipCsvCheck). Everything else is Kept, with the
    /// reason. Deletes go in DeleteObjects batches, each announced in deletion_log.csv (intent rows, on disk) before it
    /// is sent; the listing afterwards confirms each one, and only confirmed deletions count as reclaimed space. A run
    /// first settles the intents an interrupted run left, against a listing, so the log always says what is gone.
    /// </summary>
    public sealed class SourceRemoval
    {
        public const string ActionWithBackup = "Delete (destination verified, backup verified)";
        public const string ActionWithoutBackup = "Delete (destination verified, backup check skipped with -SkipBackupCheck)";

        private readonly RemovalOptions _o;
        private readonly S3Calls _calls;
        private readonly S3Lister _lister;
        private readonly ObjectVersions _versions;
        private readonly SourceChecks _checks;
        private readonly DeletionBatch _batch;
        private readonly DeletionListing _listing;

        public SourceRemoval(S3Session s3, RemovalOptions options) : this(s3.Client, options) { }

        public SourceRemoval(IAmazonS3 s3, RemovalOptions options)
        {
            _o = options;
            var retry = new RetryPolicy(options.MaxRetries);
            _calls = new S3Calls(retry);
            _lister = new S3Lister(s3, "the source removal", retry);
            _versions = new ObjectVersions(s3, _calls, "the source removal");
            _checks = new SourceChecks(s3, options, _versions, _lister);
            _batch = new DeletionBatch(new ObjectDeletes(s3, _calls), options.PermanentlyDeleteVersion);
            _listing = new DeletionListing(_versions, _lister, options.PermanentlyDeleteVersion);
        }

        public long Requests => _calls.Requests + _lister.Requests;

        /// <summary>The run, for a caller without a pipeline thread: <paramref name="confirm"/> answers each deletion.</summary>
        public async Task<RemovalRun> RunAsync(string workspace, Func<RemovalResult, bool> confirm, CancellationToken ct)
        {
            var run = new RemovalRun();
            await foreach (var step in StepsAsync(workspace, run, ct).ConfigureAwait(false))
                if (step is ConfirmStep<RemovalResult> ask) ask.Confirmed = confirm(ask.Subject);
            return run;
        }

        /// <summary>
        /// The run, step by step (PhaseSteps): progress to show, and each source that passed every check to confirm
        /// before anything is deleted. <paramref name="run"/> holds the outcome when the steps end.
        /// </summary>
        public async IAsyncEnumerable<PhaseStep> StepsAsync(string workspace, RemovalRun run, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            DeletionJournal? journal = null;
            try
            {
                run.Summary.Started = DateTime.UtcNow;
                // Before anything else: what an interrupted run may have deleted is settled against a listing, so the log is true.
                var rows = DeletionJournal.Read(workspace);
                var settled = new List<RemovalResult>();
                if (DeletionJournal.Unsettled(rows).Count > 0)
                {
                    if (!_o.DryRun)
                    {
                        journal = RemovalInputs.OpenJournal(workspace);
                        rows = DeletionJournal.Read(workspace); // under the lock: what another run may have settled meanwhile
                    }
                    settled = await _listing.SettleIntentsAsync(run, rows, journal, ct).ConfigureAwait(false);
                }
                var (candidates, notEligible, already) = RemovalCandidates.Select(workspace, _o.Only, rows);
                if (already > 0) run.Verbose.Add($"{already} sources were deleted by an earlier run ({DeletionJournal.FileName}) and are skipped.");
                if (PhaseGates.WhyWaitForGracePeriod(candidates.Select(c => c.Timestamp).ToList(), _o.GracePeriodDays, _o.Force, _o.Now) is { } wait)
                {
                    // -WhatIf is how an operator asks what would be deleted: inside the grace period it previews, with a
                    // warning; only a run that would delete refuses.
                    if (!_o.DryRun)
                        throw new MigrationException("GracePeriodNotElapsed", MigrationErrorKind.InvalidArgument, wait, target: candidates.Max(c => c.Timestamp.ToUniversalTime()));
                    run.Warnings.Add(PhaseGates.GracePeriodPreview(candidates.Select(c => c.Timestamp).ToList(), _o.GracePeriodDays));
                }
                var manifest = RemovalInputs.LoadManifest(workspace, _o.SkipBackupCheck);
                var csvPath = RemovalInputs.ResolveCsv(workspace, _o.CsvPath, _o.SkipCsvCheck, _o.DryRun);
                // Opened before any check, so a second run on the same workspace stops here, not after its checks.
                if (!_o.DryRun) journal ??= RemovalInputs.OpenJournal(workspace);
                run.Results.AddRange(notEligible);
                if (_o.SkipBackupCheck) run.Warnings.Add("-SkipBackupCheck: sources are deleted without a verified backup; only the destination copy will remain.");
                if (_o.SkipCsvCheck) run.Warnings.Add("-SkipCsvCheck: the people CSV was not read; a source whose URL the application still serves may be deleted, and that URL then answers 404.");

                var versioning = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var bucket in candidates.Select(c => RemovalCandidates.At(c.OldPath).Bucket).Distinct(StringComparer.Ordinal))
                    versioning[bucket] = await _versions.VersioningAsync(bucket, ct).ConfigureAwait(false);
                run.Summary.Versioned |= versioning.Values.Any(v => v.Length > 0);
                run.Verbose.Add($"Checking {candidates.Count} verified sources now: the source, the destination{(manifest != null ? " and the backup" : "")} of each.");
                yield return new ProgressStep("Checking sources, destinations and backups", 0, candidates.Count, 0);

                var checkedResults = await _checks.CheckAllAsync(candidates, manifest, versioning, ct).ConfigureAwait(false);
                // The people CSV is read last, just before the deletions: a URL the application still serves keeps its source.
                if (csvPath != null)
                {
                    run.Verbose.Add($"Reading the people CSV '{csvPath}' for URLs that still name a source.");
                    SourceChecks.AddCsvReferences(checkedResults, csvPath);
                }
                var ready = new List<RemovalResult>();
                foreach (var r in checkedResults)
                {
                    r.Facts.BackupCheckSkipped = manifest == null;
                    r.Facts.CsvCheckSkipped = _o.SkipCsvCheck;
                    if (PhaseGates.WhyKeepSource(r.Facts) is { } why) { r.Decide(RemovalStatus.Kept, why); run.Results.Add(r); continue; }
                    var ask = new ConfirmStep<RemovalResult>(r);
                    yield return ask;
                    if (ask.Confirmed) { ready.Add(r); continue; }
                    if (_o.DryRun) continue; // -WhatIf: ShouldProcess already said what would be deleted
                    r.Decide(RemovalStatus.Kept, "not confirmed: the operator declined the deletion");
                    run.Results.Add(r);
                }
                if (_o.DryRun)
                {
                    run.Tally();
                    yield break;
                }

                foreach (var r in run.Results) journal!.Append(DeletionRow.From(r));
                run.Results.AddRange(settled); // logged when they were settled; they count in this run's totals
                var deletedBytes = 0L;
                var done = 0;
                foreach (var bucket in ready.GroupBy(r => r.SourceBucket, StringComparer.Ordinal))
                {
                    var versioned = versioning[bucket.Key].Length > 0;
                    foreach (var batch in bucket.Select((r, i) => (r, i)).GroupBy(x => x.i / _o.BatchSize, x => x.r))
                    {
                        ct.ThrowIfCancellationRequested();
                        var items = batch.ToList();
                        // The intent is on disk before the request leaves: a kill at any moment after it leaves a row for each key.
                        journal!.AppendIntents(items.Select(r =>
                        {
                            var intent = DeletionRow.From(r);
                            intent.Reason = $"announced: a DeleteObjects request of {items.Count} keys is about to be sent; a later row gives the outcome";
                            return intent;
                        }));
                        await _batch.DeleteAsync(bucket.Key, items, versioned, ct).ConfigureAwait(false);
                        foreach (var r in items) { journal.Append(DeletionRow.From(r)); run.Results.Add(r); if (r.Status != RemovalStatus.Failed) deletedBytes += r.Size; }
                        journal.Sync();
                        done += items.Count;
                        yield return new ProgressStep("Deleting", done, ready.Count, deletedBytes);
                    }
                }

                // Only what a listing no longer shows counts: S3 accepting a delete is not proof the bytes are gone.
                yield return new ProgressStep("Listing to confirm the deletions", done, ready.Count, deletedBytes);
                var accepted = ready.Where(r => r.Status != RemovalStatus.Failed).ToList();
                foreach (var bucket in accepted.GroupBy(r => r.SourceBucket, StringComparer.Ordinal))
                    foreach (var r in await _listing.ConfirmAsync(bucket.Key, bucket.ToList(), versioning[bucket.Key].Length > 0, ct).ConfigureAwait(false))
                        journal!.Append(DeletionRow.From(r)); // a correction row: the listing disagreed with what DeleteObjects answered
                // True when every delete S3 accepted is confirmed by the listing (so also when nothing was deleted).
                run.Summary.ListingVerified = accepted.All(r => r.Status != RemovalStatus.Failed);
                if (ready.Any(r => r.Status == RemovalStatus.DeleteMarker))
                    run.Warnings.Add($"{ready.Count(r => r.Status == RemovalStatus.DeleteMarker)} sources on a versioned bucket now have a delete marker; their verified versions " +
                                     "remain as noncurrent versions (recoverable, still billed, 0 bytes reclaimed). A NoncurrentVersionExpiration lifecycle rule, " +
                                     "or a run with -PermanentlyDeleteVersion, reclaims the space.");
                run.Tally();
                run.Summary.Write(workspace);
            }
            finally { journal?.Dispose(); }
        }
    }
}
