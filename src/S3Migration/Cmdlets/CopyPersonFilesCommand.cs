using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.Phases.Copy;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Copy-PersonFiles: server-side copies of planned items to their target keys, each verified and journaled.
    /// Copies run concurrently (up to -ThrottleLimit); results, journal rows, progress and errors are written from
    /// the pipeline thread only, as each copy completes.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "PersonFiles", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(MigrationResult))]
    public sealed class CopyPersonFilesCommand : S3CmdletBase, IDisposable
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SourceBucket { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SourceKey { get; set; } = "";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? TargetBucket { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public string TargetKey { get; set; } = "";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public long? Size { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? ETag { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Md5 { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? FileType { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? RowId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? PersonName { get; set; }

        /// <summary>The inventory's status; only Planned items (or items without a status) are copied.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Status { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Notes { get; set; }

        /// <summary>For inventory Conflicts: TargetDiffers may be replaced with -Force; SharedTarget never is.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? ConflictKind { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string WorkspacePath { get; set; } = "";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? DestinationBucket { get; set; }

        [Parameter]
        [ValidateSet("AES256", "aws:kms")]
        public string? ServerSideEncryption { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KmsKeyId { get; set; }

        [Parameter]
        [ValidateSet("STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY")]
        public string? StorageClass { get; set; }

        [Parameter]
        [ValidateSet("private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control")]
        public string? CannedAcl { get; set; }

        [Parameter]
        public SwitchParameter NoMigrationTags { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        [ValidateRange(1L, CopySettings.SingleRequestLimit)]
        public long MultipartThreshold { get; set; } = CopySettings.SingleRequestLimit;

        [Parameter]
        [ValidateRange(CopySettings.MinPartSize, CopySettings.SingleRequestLimit)]
        public long PartSize { get; set; } = 256L * 1024 * 1024;

        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = 16;

        [Parameter]
        [ValidateRange(0, 20)]
        public int MaxRetries { get; set; } = 5;

        private IAmazonS3? _s3;
        private MigrationJournal? _journal;
        private string _migrationId = "";
        private MigrationSummary? _summary;
        private CopyEngine? _engine;
        private S3Calls? _calls;
        private S3Lister? _lister;
        private string _workspace = "";
        private readonly List<(Task<MigrationResult> Task, string Person)> _inFlight = new List<(Task<MigrationResult>, string)>();
        private readonly Dictionary<string, (int Pending, int Verified, int Failed, int Other)> _persons = new Dictionary<string, (int, int, int, int)>(StringComparer.Ordinal);
        private string _currentPerson = "";
        private readonly Stopwatch _clock = new Stopwatch();
        private TimeSpan _lastProgress, _lastSummary;
        private bool _finished;
        private const int ProgressId = 2;
        private System.Threading.CancellationTokenSource? _cancel;

        protected override void BeginProcessing()
        {
            if (ServerSideEncryption == "aws:kms" && KmsKeyId == null)
                WriteVerbose("-ServerSideEncryption aws:kms without -KmsKeyId uses the account's AWS managed key (aws/s3).");
            if (KmsKeyId != null && ServerSideEncryption != "aws:kms")
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-KmsKeyId goes with -ServerSideEncryption aws:kms."), "KmsKeyWithoutKms", ErrorCategory.InvalidArgument, KmsKeyId));
            _workspace = SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorkspacePath);
        }

        protected override void ProcessRecord()
        {
            var item = new CopyItem
            {
                RowId = RowId ?? "", PersonName = PersonName ?? "", FileType = FileType ?? "", SourceBucket = SourceBucket,
                SourceKey = SourceKey, TargetKey = TargetKey, Size = Size, ETag = ETag ?? "", Md5 = Md5 ?? "",
                TargetBucket = !string.IsNullOrEmpty(TargetBucket) ? TargetBucket! : DestinationBucket ?? SourceBucket,
            };
            var notPlanned = WhyNotPlanned(item);
            if (notPlanned != null)
            {
                if (ShouldProcess($"s3://{item.SourceBucket}/{item.SourceKey}", "Pass through without copying (" + notPlanned + ")"))
                {
                    Start();
                    var r = Result(item, MigrationResultStatus.NotPlanned, notPlanned);
                    r.WorkspacePath = _workspace;
                    _summary!.Add(r);
                    WriteObject(r);
                }
                return;
            }
            if (!ShouldProcess($"s3://{item.TargetBucket}/{item.TargetKey}", $"Copy from s3://{item.SourceBucket}/{item.SourceKey}"))
                return;

            Start();
            _summary!.Planned();
            var person = item.RowId.Length > 0 ? $"{item.RowId} {item.PersonName}" : "";
            if (person != _currentPerson) { _currentPerson = person; ReportFinishedPersons(); }
            _persons.TryGetValue(person, out var p);
            _persons[person] = (p.Pending + 1, p.Verified, p.Failed, p.Other);

            Drain(wait: false);
            while (_inFlight.Count >= ThrottleLimit) Drain(wait: true);
            _inFlight.Add((_engine!.CopyAsync(item, _cancel!.Token), person));
            Progress();
        }

        protected override void EndProcessing()
        {
            while (_inFlight.Count > 0) Drain(wait: true);
            if (_summary == null) return; // -WhatIf, or no input
            _currentPerson = "\0";
            ReportFinishedPersons();
            RecordExclusions();
            Finish("completed");
            WriteProgress(new ProgressRecord(ProgressId, $"Copy-PersonFiles to {_workspace}", "Done") { RecordType = ProgressRecordType.Completed });
            WriteVerbose($"Done: {_summary.FilesVerified} verified ({_summary.FilesSkipped} already there), {_summary.FilesFailed} failed, {_summary.FilesConflict} conflicts, "
                         + $"{_summary.FilesNotPlanned} not planned; {_summary.Requests} S3 requests, {_summary.Retries} retries, {_clock.Elapsed.TotalSeconds:0.0}s. Journal: {_journal!.Path}");
        }

        /// <summary>
        /// At the end of a run that was not stopped (the journal still locked by this run): what the workspace's inventory
        /// planned and no run has journaled was held back before it reached this cmdlet, by a filter the operator chose.
        /// It is recorded as such, so Test-MigrationIntegrity reports it Excluded rather than Missing.
        /// </summary>
        private void RecordExclusions()
        {
            try
            {
                var excluded = ExcludedByChoice.Record(_workspace, DateTime.UtcNow);
                if (excluded == null)
                    WriteVerbose($"The workspace has no inventory ({InventoryChecksumsWriter.FileName}), so files filtered out before Copy-PersonFiles cannot be recorded as " +
                                 "left out by choice; run Get-MigrationInventory with this -WorkspacePath for that.");
                else if (excluded.Count > 0)
                    WriteVerbose($"{excluded.Count} files the inventory planned never reached Copy-PersonFiles (filtered out); {ExcludedByChoice.FileName} records them as left out by choice.");
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException || ex is OperationCanceledException))
            {
                // The copies are done and journaled; a record that cannot be written must not turn the run into a failure.
                WriteWarning($"{ExcludedByChoice.FileName} could not be written ({ex.Message}); Test-MigrationIntegrity will report files filtered out before the copy as Missing.");
            }
        }

        /// <summary>Opens the workspace on the first item that really runs, so -WhatIf writes nothing.</summary>
        private void Start()
        {
            if (_summary != null) return;
            try
            {
                AtomicFile.EnsureFolder(_workspace);
                _journal = MigrationJournal.Open(_workspace);
                _migrationId = MigrationState.Ensure(_workspace).MigrationId;
            }
            catch (MigrationException ex) { Terminate(ex); }
            catch (IOException ex)
            {
                ThrowTerminatingError(new ErrorRecord(new IOException($"The journal in '{_workspace}' could not be opened: {ex.Message} Is another copy running on this workspace?", ex),
                    "JournalUnavailable", ErrorCategory.ResourceUnavailable, _workspace));
            }
            catch (InvalidDataException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "JournalMalformed", ErrorCategory.InvalidData, _workspace));
            }
            if (_journal!.TornBytes > 0)
                WriteWarning($"{MigrationJournal.FileName} ended with a row torn by an interrupted run ({_journal.TornBytes} bytes); it was cut off. Objects it concerned are checked again.");
            WriteVerbose($"Journal {_journal.Path}: {_journal.EarlierRows} rows from earlier runs, {_journal.Verified.Count} objects verified.");
            try
            {
                _s3 = S3ClientFactory.Create(Connection, sdkRetries: false);
            }
            catch (MigrationException ex) { Terminate(ex); }
            var retry = new RetryPolicy(MaxRetries);
            _calls = new S3Calls(retry);
            var settings = new CopySettings
            {
                ServerSideEncryption = ServerSideEncryption, KmsKeyId = KmsKeyId, StorageClass = StorageClass, CannedAcl = CannedAcl,
                MigrationTags = !NoMigrationTags, Force = Force, MultipartThreshold = MultipartThreshold, PartSize = PartSize,
                MigrationDate = DateTime.UtcNow, MigrationId = _migrationId, Uploads = new MultipartUploadLog(_workspace),
            };
            AbortUploadsLeftOpen();
            _lister = new S3Lister(_s3!, S3ClientFactory.Describe(Connection), retry);
            var deletedByCleanup = new HashSet<string>(DeletionJournal.Outcomes(_workspace).Values.Where(d => d.IsGone).Select(d => d.SourcePath), StringComparer.Ordinal);
            _engine = new CopyEngine(_s3!, settings, _calls, new DestinationCatalog(_lister), _journal.Verified, deletedByCleanup);
            _summary = new MigrationSummary();
            _cancel = System.Threading.CancellationTokenSource.CreateLinkedTokenSource(StopToken);
            _clock.Start();
        }

        /// <summary>
        /// A run killed in the middle of a multipart copy left its upload open (parts billed, invisible in listings): the
        /// workspace's multipart_uploads.csv names it, and it is aborted before anything is copied.
        /// </summary>
        private void AbortUploadsLeftOpen()
        {
            try
            {
                foreach (var u in MultipartUploadLog.AbortLeftOpenAsync(_s3!, _workspace, false, StopToken).GetAwaiter().GetResult())
                    WriteVerbose($"Aborted the multipart upload {u}, which an interrupted run left open.");
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                WriteWarning($"The multipart uploads an interrupted run left open ({MultipartUploadLog.FileName}) could not be aborted now ({ex.GetBaseException().Message}); the next run tries again.");
            }
        }

        /// <summary>Why an item is passed through without a copy, or null when it is to be copied.</summary>
        private string? WhyNotPlanned(CopyItem item)
        {
            // Planned items are copied. So are items the inventory found already migrated (Skipped with a target):
            // the engine confirms them, with no request when the journal verified them, so re-running the whole
            // pipeline after an interruption resumes it.
            var copyable = string.IsNullOrEmpty(Status)
                           || string.Equals(Status, nameof(MigrationItemStatus.Planned), StringComparison.OrdinalIgnoreCase)
                           || string.Equals(Status, nameof(MigrationItemStatus.Skipped), StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(item.TargetKey)
                           // With -Force, a destination that holds other content may be replaced; two sources on one key never.
                           || Force && string.Equals(Status, nameof(MigrationItemStatus.Conflict), StringComparison.OrdinalIgnoreCase)
                              && string.Equals(ConflictKind, nameof(Model.ConflictKind.TargetDiffers), StringComparison.OrdinalIgnoreCase);
            if (!copyable)
                return $"inventory status {Status}" + (string.IsNullOrEmpty(Notes) ? "" : ": " + Notes);
            if (string.IsNullOrEmpty(item.TargetKey)) return "no target key";
            if (item.TargetKey.StartsWith("/", StringComparison.Ordinal) || item.TargetKey.EndsWith("/", StringComparison.Ordinal))
                return $"target key '{item.TargetKey}' starts or ends with '/'";
            if (!string.IsNullOrEmpty(TargetBucket) && DestinationBucket != null && TargetBucket != DestinationBucket)
                return $"planned for bucket '{TargetBucket}', not -DestinationBucket '{DestinationBucket}'; run Get-MigrationInventory with -DestinationBucket {DestinationBucket}";
            if (item.SourceBucket == item.TargetBucket && item.SourceKey == item.TargetKey) return "the target is the source";
            return null;
        }

        private static MigrationResult Result(CopyItem item, MigrationResultStatus status, string notes) => new MigrationResult
        {
            RowId = item.RowId, PersonName = item.PersonName, FileType = item.FileType, SourceBucket = item.SourceBucket, SourceKey = item.SourceKey,
            TargetBucket = item.TargetBucket, TargetKey = item.TargetKey, Size = item.Size ?? 0, Md5 = item.Md5, SourceETag = item.ETag,
            Status = status, Notes = notes, Timestamp = DateTime.UtcNow,
        };

        /// <summary>Journals and writes out finished copies, on the pipeline thread. With wait, blocks until one finishes.</summary>
        private void Drain(bool wait)
        {
            // Wait in steps of a second, so progress and the summary keep moving during a long copy or hash.
            while (wait && _inFlight.Count > 0 && Task.WaitAny(_inFlight.Select(f => (Task)f.Task).ToArray(), TimeSpan.FromSeconds(1)) < 0)
                Progress();
            for (var i = 0; i < _inFlight.Count; i++)
            {
                var (task, person) = _inFlight[i];
                if (!task.IsCompleted) continue;
                _inFlight.RemoveAt(i--);
                if (task.IsCanceled) continue;
                if (task.IsFaulted)
                {
                    var ex = task.Exception!.GetBaseException();
                    if (ex is OperationCanceledException && StopToken.IsCancellationRequested) continue;
                    // A whole-run error (a missing bucket, rejected credentials): stop the other copies first, journal
                    // the ones that finished, and only then close the journal and stop.
                    Shutdown("failed");
                    if (ex is MigrationException m) Terminate(m);
                    ThrowTerminatingError(new ErrorRecord(ex, "CopyEngineFailed", ErrorCategory.NotSpecified, null));
                }
                Complete(task.Result, person);
            }
            Progress();
        }

        private void Complete(MigrationResult r, string person)
        {
            r.WorkspacePath = _workspace;
            if (!r.FromJournal) _journal!.Append(JournalRow.From(r));
            _summary!.Add(r);
            var p = _persons[person];
            _persons[person] = (p.Pending - 1, p.Verified + (r.Status == MigrationResultStatus.Verified || r.Status == MigrationResultStatus.Skipped ? 1 : 0),
                p.Failed + (r.Status == MigrationResultStatus.Failed ? 1 : 0), p.Other + (r.Status == MigrationResultStatus.Conflict ? 1 : 0));
            if (StopToken.IsCancellationRequested) return;
            WriteObject(r);
            if (r.Status == MigrationResultStatus.Failed)
            {
                var id = r.Notes.Contains("archived") ? "SourceArchived" : "CopyFailed";
                WriteError(new ErrorRecord(new InvalidOperationException($"Copying s3://{r.SourceBucket}/{r.SourceKey} to s3://{r.TargetBucket}/{r.TargetKey} failed: {r.Notes}"),
                    id, id == "SourceArchived" ? ErrorCategory.ResourceUnavailable : ErrorCategory.WriteError, r));
            }
            else if (r.Status == MigrationResultStatus.Conflict)
                WriteWarning($"Conflict at s3://{r.TargetBucket}/{r.TargetKey}: {r.Notes}");
        }

        private void ReportFinishedPersons()
        {
            foreach (var name in _persons.Where(p => p.Value.Pending == 0 && p.Key != _currentPerson).Select(p => p.Key).ToList())
            {
                var p = _persons[name];
                _persons.Remove(name);
                if (name.Length > 0)
                    WriteVerbose($"Person {name} done: {p.Verified} verified, {p.Failed} failed, {p.Other} conflicts.");
            }
        }

        private void Progress()
        {
            if (_summary == null || StopToken.IsCancellationRequested) return;
            if (_clock.Elapsed - _lastSummary > TimeSpan.FromSeconds(3))
            {
                _lastSummary = _clock.Elapsed;
                WriteSummary();
            }
            if (_clock.Elapsed - _lastProgress < TimeSpan.FromMilliseconds(250)) return;
            _lastProgress = _clock.Elapsed;
            ReportFinishedPersons();
            var s = _summary;
            var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            var rate = s.Done / seconds;
            var remaining = s.TotalFilesToMigrate - s.Done;
            // A new record each time: hosts may keep the records they were given.
            WriteProgress(new ProgressRecord(ProgressId, $"Copy-PersonFiles to {_workspace}",
                $"{s.Done:N0} of {s.TotalFilesToMigrate:N0} items so far ({s.FilesVerified:N0} verified, {s.FilesFailed:N0} failed), "
                + $"{Bytes(s.BytesVerified)}; {rate:N1} objects/s, {Bytes(s.BytesVerified / seconds)}/s")
            {
                PercentComplete = s.TotalFilesToMigrate > 0 ? (int)Math.Min(100, 100 * s.Done / s.TotalFilesToMigrate) : -1,
                SecondsRemaining = rate > 0 ? (int)(remaining / rate) : -1,
            });
        }

        private void WriteSummary()
        {
            _summary!.Requests = _calls!.Requests + _lister!.Requests;
            _summary.Retries = _calls.Retries;
            try { _summary.Write(_workspace); }
            catch (IOException ex)
            {
                // A reader holding the file open (Windows) must not end the copy; the next write catches up.
                WriteWarning($"{MigrationSummary.FileName} could not be rewritten this time: {ex.Message}");
            }
        }

        private void Finish(string state)
        {
            if (_finished || _summary == null) return;
            _finished = true;
            _summary.Finish(state);
            WriteSummary();
            _journal?.Dispose();
        }

        /// <summary>
        /// Runs when the pipeline ends, also after Ctrl+C (StopProcessing cancels the in-flight copies): copies that
        /// completed are journaled, the summary says "cancelled", and the journal is closed consistent.
        /// </summary>
        public void Dispose()
        {
            if (_summary != null && !_finished) Shutdown(StopToken.IsCancellationRequested ? "cancelled" : "failed");
            _cancel?.Dispose();
            _s3?.Dispose();
        }

        /// <summary>
        /// Cancels the copies in flight and waits for every one of them (each cleans up after itself: multipart
        /// uploads are aborted, unverified writes removed), journals those that completed, then closes the journal.
        /// </summary>
        private void Shutdown(string state)
        {
            if (_finished) return;
            _cancel?.Cancel();
            try { Task.WaitAll(_inFlight.Select(f => (Task)f.Task).ToArray()); }
            catch (AggregateException) { /* cancelled or failed copies have no result to journal */ }
            foreach (var (task, _) in _inFlight.Where(f => f.Task.Status == TaskStatus.RanToCompletion))
            {
                if (!task.Result.FromJournal) _journal!.Append(JournalRow.From(task.Result));
                _summary!.Add(task.Result);
            }
            _inFlight.Clear();
            Finish(state);
        }
    }
}
