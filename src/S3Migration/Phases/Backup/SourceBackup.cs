using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.Phases.Copy;
using S3Migration.Reports;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Backup
{
    /// <summary>
    /// A full backup of a source bucket and prefix into a backup bucket or prefix, in a cold storage class. Keys are
    /// kept (backup key = backup prefix + source key), so a restore is a copy back. The copies are the copy engine's
    /// (server-side, compared when already there, verified, retried once, unverified writes removed); their journal is
    /// backup_log.csv, so a re-run skips what an earlier run verified without copying it again. After the copies the
    /// backup location is listed and every source object must have its backup with the verified size and ETag: the
    /// backup's body is never read, since GLACIER and DEEP_ARCHIVE objects cannot be read until restored.
    /// The steps, in order: <see cref="CheckBucketsAsync"/>, <see cref="ListSourceAsync"/>, <see cref="ApplyLifecycleAsync"/>,
    /// <see cref="StartAsync"/> (the copies, driven by the cmdlet), <see cref="FinishAsync"/>.
    /// </summary>
    public sealed class SourceBackup
    {
        public const string JournalFileName = "backup_log.csv";

        private readonly IAmazonS3 _s3;
        private readonly BackupOptions _o;
        private readonly S3Calls _calls;
        private readonly S3Lister _lister;

        public SourceBackup(S3Session s3, string where, BackupOptions options, int maxRetries) : this(s3.Client, where, options, maxRetries) { }

        public SourceBackup(IAmazonS3 s3, string where, BackupOptions options, int maxRetries)
        {
            _s3 = s3; _o = options;
            var retry = new RetryPolicy(maxRetries);
            _calls = new S3Calls(retry);
            _lister = new S3Lister(s3, where, retry);
        }

        public BackupOptions Options => _o;

        /// <summary>Both buckets exist and can be listed; a terminating MigrationException (BucketNotFound, AccessDenied, ...) otherwise.</summary>
        public async Task CheckBucketsAsync(CancellationToken ct)
        {
            await _lister.CheckBucketAsync(_o.SourceBucket, ct).ConfigureAwait(false);
            if (_o.BackupBucket != _o.SourceBucket) await _lister.CheckBucketAsync(_o.BackupBucket, ct).ConfigureAwait(false);
        }

        /// <summary>Every object of the source, listed once (streamed page by page, kept for the completion check).</summary>
        public async Task<List<SourceObject>> ListSourceAsync(CancellationToken ct)
        {
            var sources = new List<SourceObject>();
            await foreach (var s in _lister.ListObjectsAsync(_o.SourceBucket, _o.SourcePrefix, ct).ConfigureAwait(false)) sources.Add(s);
            return sources;
        }

        /// <summary>Merges and reads back the transition rule (only with -TransitionAfterDays); what it read back as, or null.</summary>
        public async Task<LifecycleOutcome?> ApplyLifecycleAsync(CancellationToken ct)
        {
            if (!_o.TransitionAfterDays.HasValue) return null;
            return await new LifecycleRules(_s3, _calls).EnsureTransitionAsync(_o.BackupBucket, _o.BackupPrefix, _o.TransitionAfterDays.Value, _o.StorageClass, ct)
                .ConfigureAwait(false);
        }

        /// <summary>
        /// Opens backup_log.csv (locked for the run) and gets the copies of <paramref name="approved"/> (a subset of
        /// <paramref name="sources"/>: what ShouldProcess allowed) ready for the cmdlet to drive; the run closes the journal.
        /// </summary>
        public async Task<BackupSession> StartAsync(IReadOnlyList<SourceObject> sources, ISet<string> approved, LifecycleOutcome? lifecycle, CancellationToken ct)
        {
            var outcome = new BackupOutcome
            {
                Started = DateTime.UtcNow, LifecycleRuleId = lifecycle?.RuleId, TransitionAfterDays = lifecycle != null ? _o.TransitionAfterDays : null,
                LifecycleSizeFilter = lifecycle?.SizeFilterApplied == true ? $"ObjectSizeGreaterThan {LifecycleRules.SizeFilter}" : null,
                TransitionDefaultMinimumObjectSize = lifecycle?.DefaultMinimumObjectSize,
            };
            AtomicFile.EnsureFolder(_o.Workspace);
            var journal = MigrationJournal.Open(_o.Workspace, JournalFileName);
            try
            {
                var settings = new CopySettings
                {
                    StorageClass = _o.WriteClass, AddMigrationTags = false, Force = false,
                    MultipartThreshold = _o.MultipartThreshold, PartSize = _o.PartSize, Uploads = new MultipartUploadRecorder(_o.Workspace),
                };
                // A run killed in the middle of a multipart copy left its upload open: aborted before anything is copied.
                try { await LeftOpenUploads.AbortAsync(_s3, _o.Workspace, false, ct).ConfigureAwait(false); }
                catch (Exception ex) when (!(ex is OperationCanceledException)) { /* tried again by the next run */ }
                var engine = new CopyEngine(_s3, settings, _calls, new DestinationCatalog(_lister), journal.Verified);
                return new BackupSession(_o, journal, engine, sources, approved, lifecycle, outcome, ct);
            }
            catch
            {
                journal.Dispose();
                throw;
            }
        }

        /// <summary>
        /// After the copies (the run closed): checks completion against a listing of the backup location, and writes
        /// backup_manifest.csv, backup_summary.json and RESTORE.md into the workspace.
        /// </summary>
        public async Task<BackupOutcome> FinishAsync(BackupSession run, CancellationToken ct)
        {
            var outcome = run.Outcome;
            await BackupCompletion.CheckAsync(_lister, _o, run, ct).ConfigureAwait(false);
            if (run.Lifecycle is { } lifecycle)
                (outcome.NotTransitioned, outcome.NotTransitionedReason) = LifecycleRules.LeftInStandard(
                    outcome.Entries.Where(e => e.BackupETag.Length > 0).Select(e => e.Size), lifecycle.SizeFilterApplied, lifecycle.DefaultMinimumObjectSize, _o.StorageClass);
            outcome.Requests = _calls.Requests + _lister.Requests;
            outcome.Retries = _calls.Retries;
            outcome.Finished = DateTime.UtcNow;
            BackupManifest.Write(_o.Workspace, outcome.Entries);
            BackupSummary.Write(_o, outcome);
            RestoreGuide.Write(_o, outcome);
            return outcome;
        }
    }
}
