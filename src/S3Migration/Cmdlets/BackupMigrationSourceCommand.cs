using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3Migration.Model;
using S3Migration.Phases.Backup;
using S3Migration.Reports;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Backup-MigrationSource: the full backup of plan phase 1, server-side copies of every source object into a cold
    /// storage class, keys kept. The work is SourceBackup's; this class binds parameters, asks ShouldProcess, and
    /// writes results, errors and progress from the pipeline thread.
    /// </summary>
    [Cmdlet(VerbsData.Backup, "MigrationSource", HelpUri = HelpLinks.Backup, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(BackupResult))]
    public sealed class BackupMigrationSourceCommand : S3CmdletBase
    {
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("Bucket")]
        [ValidateNotNullOrEmpty]
        [ValidateBucketName] [ArgumentCompleter(typeof(BucketNameCompleter))] public string SourceBucket { get; set; } = "";

        [Parameter]
        [Alias("Prefix")]
        public string? SourcePrefix { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        [ValidateBucketName] [ArgumentCompleter(typeof(BucketNameCompleter))] public string BackupBucket { get; set; } = "";

        [Parameter]
        public string? BackupPrefix { get; set; }

        [Parameter]
        [ValidateSet("GLACIER", "DEEP_ARCHIVE", "GLACIER_IR")]
        public string StorageClass { get; set; } = "GLACIER";

        /// <summary>Write in STANDARD and let a lifecycle rule move the backup to -StorageClass after this many days.</summary>
        [Parameter]
        [ValidateRange(0, 36500)]
        public int? TransitionAfterDays { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string WorkspacePath { get; set; } = "";

        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = 16;

        [Parameter]
        [ValidateRange(0, 20)]
        public int MaxRetries { get; set; } = 5;

        private const int ProgressId = 5;

        protected override void EndProcessing()
        {
            var options = new BackupOptions
            {
                SourceBucket = SourceBucket, SourcePrefix = SourcePrefix ?? "", BackupBucket = BackupBucket,
                BackupPrefix = BackupLocationRule.NormalizePrefix(BackupPrefix), StorageClass = StorageClass,
                TransitionAfterDays = TransitionAfterDays, ThrottleLimit = ThrottleLimit,
                Workspace = ResolvePath(WorkspacePath),
            };
            S3Session? s3 = null;
            try
            {
                BackupLocationRule.Check(options);
                s3 = Connect(sdkRetries: false);
                var backup = new SourceBackup(s3, Where, options, MaxRetries);
                RunAsync(backup.CheckBucketsAsync);
                WriteVerbose($"Listing {options.SourceUrl} ...");
                var sources = RunAsync(backup.ListSourceAsync);
                WriteVerbose($"{sources.Count} source objects, {Bytes(sources.Sum(s => (double)s.Size))}; backing up to {options.BackupUrl} in {options.WriteClass}"
                             + (TransitionAfterDays.HasValue ? $", moved to {StorageClass} after {TransitionAfterDays} days by a lifecycle rule." : "."));

                // Asked per object, so -WhatIf lists every copy it would make and -Confirm can decline one. Nothing is
                // written (no copy, no workspace file, no lifecycle rule) unless at least one is approved.
                // An empty object is the one a lifecycle size filter cannot move: -WhatIf says so per object, and a warning counts them.
                var approved = new HashSet<string>(StringComparer.Ordinal);
                foreach (var s in sources)
                    if (ShouldProcess($"s3://{options.BackupBucket}/{options.BackupKeyOf(s.Key)}", $"Back up s3://{options.SourceBucket}/{s.Key} ({s.Size} bytes) in {options.WriteClass}"
                                      + (TransitionAfterDays.HasValue && s.Size <= LifecycleRules.SizeFilter ? $"; empty, so the lifecycle rule leaves it in STANDARD" : "")))
                        approved.Add(s.Key);
                if (TransitionAfterDays.HasValue)
                {
                    var planned = approved.Count > 0 ? sources.Where(s => approved.Contains(s.Key)) : sources;
                    var (left, why) = LifecycleRules.LeftInStandard(planned.Select(s => s.Size), true, LifecycleRules.DefaultMinimum128K, StorageClass);
                    if (left > 0 && approved.Count == 0) WriteWarning($"The lifecycle rule would move every backup object larger than 0 bytes to {StorageClass}; " + why + ".");
                }
                if (approved.Count == 0) return;

                LifecycleOutcome? lifecycle = null;
                if (TransitionAfterDays.HasValue
                    && ShouldProcess($"s3://{options.BackupBucket}", $"Merge a lifecycle rule moving every object larger than {LifecycleRules.SizeFilter} bytes under {options.BackupUrl} to {StorageClass} after {TransitionAfterDays} days (S3's 128 KB default floor does not apply to it; the bucket's other rules and its default minimum object size are kept)"))
                {
                    lifecycle = RunAsync(backup.ApplyLifecycleAsync)!;
                    WriteVerbose($"Lifecycle rule '{lifecycle.RuleId}' is in place on {options.BackupBucket} (read back{(lifecycle.SizeFilterApplied ? $", with ObjectSizeGreaterThan {LifecycleRules.SizeFilter}" : ", WITHOUT its size filter")}; "
                                 + $"bucket default minimum object size {lifecycle.DefaultMinimumObjectSize}); the bucket's other rules are kept.");
                }

                var run = RunAsync(ct => backup.StartAsync(sources, approved, lifecycle, ct));
                try
                {
                    RunUntil(_ => run.TryPostNextAsync(), () => Report(run, options));
                    RunUntil(_ => run.TryDrainAsync(), () => Report(run, options));
                }
                finally { RunAsync(_ => run.CloseAsync()); }
                StopToken.ThrowIfCancellationRequested();
                var outcome = RunAsync(ct => backup.FinishAsync(run, ct));
                ProgressDone(ProgressId, $"Backup-MigrationSource to {options.BackupUrl}");

                if (outcome.TornJournalBytes > 0)
                    WriteWarning($"{SourceBackup.JournalFileName} ended with a row torn by an interrupted run ({outcome.TornJournalBytes} bytes); it was cut off and those objects were checked again.");
                foreach (var late in outcome.LateFailures) WriteBackupError(late);
                WriteVerbose($"Backup {(outcome.Complete ? "complete" : "INCOMPLETE")}: {outcome.Verified} of {outcome.SourceObjects} source objects verified in the backup, "
                             + $"{outcome.Failed} not; {Plural.Of(outcome.BackedUpObjects, "object")} and {outcome.BackedUpBytes:N0} of {outcome.SourceBytes:N0} bytes listed there; "
                             + $"{Plural.Of(outcome.Requests, "S3 request")}, {Plural.Of(outcome.Retries, "retry", "retries")}. Manifest: {BackupManifest.PathIn(options.Workspace)}, restore guide: {RestoreGuide.PathIn(options.Workspace)}");
                if (outcome.NotTransitioned > 0)
                    WriteWarning($"The lifecycle rule '{outcome.LifecycleRuleId}' will not move every backup to {StorageClass}: {outcome.NotTransitionedReason}. "
                                 + $"{BackupSummary.FileName} records it; the backups are in {outcome.StorageClassNow} now.");
                if (!outcome.Complete)
                    WriteWarning($"The backup of {options.SourceUrl} is incomplete: {outcome.Failed} of {Plural.Of(outcome.SourceObjects, "object")} have no verified backup (see {BackupManifest.FileName}). Remove-MigrationSource keeps their sources.");
            }
            catch (MigrationException ex) { Terminate(ex); }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested) { /* Ctrl+C: the journal holds what finished */ }
            catch (IOException ex)
            {
                TerminateUnavailable(ex, "BackupJournalUnavailable", $"{SourceBackup.JournalFileName} in '{options.Workspace}' could not be opened or written: {ex.Message} Is another backup running on this workspace?", options.Workspace);
            }
            catch (InvalidDataException ex) { TerminateJournalMalformed(ex, options.Workspace); }
            finally { s3?.Dispose(); }
        }

        private DateTime _lastProgress = DateTime.MinValue;

        /// <summary>Writes the results that finished, on the pipeline thread; stops the run on a whole-run error; moves the progress.</summary>
        private void Report(BackupSession run, BackupOptions options)
        {
            foreach (var r in run.TakeFinished()) Write(r);
            if (run.Fatal is { } fatal)
            {
                // A whole-run error (a missing bucket, rejected credentials): stop the other copies, journal what finished.
                foreach (var r in RunAsync(_ => run.StopAsync())) Write(r);
                throw fatal;
            }
            if (StopToken.IsCancellationRequested || DateTime.UtcNow - _lastProgress < TimeSpan.FromMilliseconds(250)) return;
            _lastProgress = DateTime.UtcNow;
            var p = run.Progress;
            WriteProgress(new ProgressRecord(ProgressId, $"Backup-MigrationSource to {options.BackupUrl}",
                $"{p.Done:N0} of {Plural.Grouped(p.Total, "object")} ({p.Verified:N0} copied, {p.Skipped:N0} already there, {p.Failed:N0} failed), {Bytes(p.Bytes)}; "
                + $"{p.ObjectsPerSecond:N1} objects/s, {Bytes(p.BytesPerSecond)}/s")
            {
                PercentComplete = p.PercentComplete,
            });
        }

        private void Write(BackupResult r)
        {
            WriteObject(r);
            if (r.Status == BackupResultStatus.Failed) WriteBackupError(r);
        }

        private void WriteBackupError(BackupResult r) =>
            WriteError(new ErrorRecord(new InvalidOperationException($"Backing up s3://{r.SourceBucket}/{r.SourceKey} to s3://{r.BackupBucket}/{r.BackupKey} failed: {r.Notes}"),
                r.ErrorId.Length > 0 ? r.ErrorId : "BackupFailed", r.ErrorId == "SourceArchived" ? ErrorCategory.ResourceUnavailable : ErrorCategory.WriteError, r));
    }
}
