using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3Migration.Model;
using S3Migration.Phases.Copy;
using S3Migration.Rules;
using S3Migration.S3;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Copy-PersonFiles: server-side copies of planned items to their target keys, each verified and journaled.
    /// Copies run concurrently (up to -ThrottleLimit) in the copy session; results, journal rows, progress and errors are
    /// written from the pipeline thread only, as each copy completes.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "PersonFiles", HelpUri = HelpLinks.Copy, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(MigrationResult))]
    public sealed class CopyPersonFilesCommand : S3CmdletBase, IDisposable
    {
        /// <summary>
        /// The items to copy as one array (Get-MigrationInventory's objects, Import-Csv rows), bound element by element
        /// as piped objects are. Unlike a piped array, whose length the cmdlet never sees, an array given here is counted
        /// first: its progress has a total and a time left even without an inventory in the workspace.
        /// </summary>
        [Parameter] public PSObject[]? InputObject { get; set; }
        // SourceBucket, SourceKey and TargetKey are required of every item, but not Mandatory: -InputObject supplies them
        // instead (ProcessRecord says what an item lacks).
        [Parameter(ValueFromPipelineByPropertyName = true), ValidateNotNullOrEmpty] [ValidateBucketName] [ArgumentCompleter(typeof(BucketNameCompleter))] public string SourceBucket { get; set; } = "";
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("key"), ValidateNotNullOrEmpty] public string SourceKey { get; set; } = "";
        [Parameter(ValueFromPipelineByPropertyName = true)] [ValidateBucketName] [ArgumentCompleter(typeof(BucketNameCompleter))] public string? TargetBucket { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("target_key"), AllowEmptyString] public string TargetKey { get; set; } = "";
        [Parameter(ValueFromPipelineByPropertyName = true)] public long? Size { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string? ETag { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string? Md5 { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("file_type")] [ArgumentCompleter(typeof(FileTypeCompleter))] public string? FileType { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("row_id")] public string? RowId { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("person_name")] public string? PersonName { get; set; }
        /// <summary>The inventory's status; only Planned items (or items without a status) are copied.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)] public string? Status { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string? Notes { get; set; }
        /// <summary>For inventory Conflicts: TargetDiffers may be replaced with -Force; SharedTarget never is.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)] public string? ConflictKind { get; set; }
        [Parameter(Mandatory = true), ValidateNotNullOrEmpty] [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string WorkspacePath { get; set; } = "";
        [Parameter, ValidateNotNullOrEmpty] [ValidateBucketName] [ArgumentCompleter(typeof(BucketNameCompleter))] public string? DestinationBucket { get; set; }
        [Parameter, ValidateSet("AES256", "aws:kms")] public string? ServerSideEncryption { get; set; }
        [Parameter, ValidateNotNullOrEmpty] public string? KmsKeyId { get; set; }
        [Parameter, ValidateSet("STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY")]
        public string? StorageClass { get; set; }
        [Parameter, ValidateSet("private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control")]
        public string? CannedAcl { get; set; }
        [Parameter] public SwitchParameter NoMigrationTags { get; set; }
        /// <summary>
        /// How each copy is proven: CopyResponse (the copy's own answer where it proves the content, else a HEAD) or Head
        /// (a HEAD of every destination, one request more per object). Journaled in verified_by.
        /// </summary>
        [Parameter, ValidateSet(nameof(CopyVerifyMode.CopyResponse), nameof(CopyVerifyMode.Head))] public string Verify { get; set; } = nameof(CopyVerifyMode.CopyResponse);
        [Parameter] public SwitchParameter Force { get; set; }
        [Parameter, ValidateRange(1L, S3Limits.SingleRequestLimit)] public long MultipartThreshold { get; set; } = S3Limits.SingleRequestLimit;
        [Parameter, ValidateRange(S3Limits.MinPartSize, S3Limits.SingleRequestLimit)] public long PartSize { get; set; } = 256L * 1024 * 1024;
        [Parameter, ValidateRange(1, 256)] public int ThrottleLimit { get; set; } = 16;
        [Parameter, ValidateRange(0, 20)] public int MaxRetries { get; set; } = 5;

        private const int ProgressId = 2;
        /// <summary>The progress bar's title; the workspace path stays out of it (it can be long, and it is in the verbose lines).</summary>
        private const string Activity = "Copy-PersonFiles";
        private string _workspace = "";
        private S3Session? _s3;
        private CopySession? _run;
        /// <summary>How many items an -InputObject array brought to copy; null for piped input, whose length is unseen.</summary>
        private long? _expected;

        protected override void BeginProcessing()
        {
            if (ServerSideEncryption == "aws:kms" && KmsKeyId == null)
                WriteVerbose("-ServerSideEncryption aws:kms without -KmsKeyId uses the account's AWS managed key (aws/s3).");
            if (KmsKeyId != null && ServerSideEncryption != "aws:kms")
                TerminateInvalidArgument(new ArgumentException("-KmsKeyId goes with -ServerSideEncryption aws:kms."), "KmsKeyWithoutKms", KmsKeyId);
            if (MyInvocation.ExpectingInput && MyInvocation.BoundParameters.ContainsKey(nameof(InputObject)))
                TerminateInvalidArgument(new ArgumentException("Give the items to -InputObject or pipe them in, not both."), "InputObjectAndPipeline", null);
            _workspace = ResolvePath(WorkspacePath);
        }

        protected override void ProcessRecord()
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(InputObject))) { ProcessArray(InputObject ?? Array.Empty<PSObject>()); return; }
            if (!MyInvocation.ExpectingInput && string.IsNullOrEmpty(SourceKey))
                TerminateInvalidArgument(new ArgumentException("Nothing to copy: pipe in the items of Get-MigrationInventory, give them to -InputObject, or give -SourceBucket, -SourceKey and -TargetKey."), "NothingToCopy", null);
            if (Lacking() is { } lacking) { WriteLacking(lacking, null); return; }
            Process(Bound());
        }

        /// <summary>
        /// An -InputObject array: each element bound as a piped object would be, then counted, so the run's progress counts
        /// against the items it will copy (the inventory's passed-through ones are not counted, as the inventory's total
        /// does not count them), then each one copied or passed through in order.
        /// </summary>
        private void ProcessArray(PSObject[] elements)
        {
            var binder = new ByPropertyNameBinder(this);
            var requests = new List<(CopyItem Item, string? NotCopied)>(elements.Length);
            foreach (var element in elements)
            {
                if (element == null) continue;
                try { binder.Bind(element); }
                catch (Exception ex) when (ex is PSInvalidCastException || ex is ValidationMetadataException)
                {
                    WriteError(new ErrorRecord(ex, "InputObjectInvalid", ErrorCategory.InvalidArgument, element));
                    continue;
                }
                if (Lacking() is { } lacking) { WriteLacking(lacking, element); continue; }
                requests.Add(Bound());
            }
            _expected = requests.Count(r => r.NotCopied == null);
            foreach (var r in requests) Process(r);
        }

        /// <summary>The item the bound parameters describe, and why it is not copied (null: it is).</summary>
        private (CopyItem Item, string? NotCopied) Bound()
        {
            var item = new CopyItem
            {
                RowId = RowId ?? "", PersonName = PersonName ?? "", FileType = FileType ?? "", SourceBucket = SourceBucket, SourceKey = SourceKey, TargetKey = TargetKey,
                TargetBucket = !string.IsNullOrEmpty(TargetBucket) ? TargetBucket! : DestinationBucket ?? SourceBucket, Size = Size, ETag = ETag ?? "", Md5 = Md5 ?? "",
            };
            return (item, CopyEligibility.WhyNotCopied(item, Status, Notes, ConflictKind, Force, TargetBucket, DestinationBucket));
        }

        private string? Lacking() =>
            string.IsNullOrEmpty(SourceBucket) ? "SourceBucket" : string.IsNullOrEmpty(SourceKey) ? "SourceKey (or key)" : null;

        private void WriteLacking(string what, object? element) =>
            WriteError(new ErrorRecord(new ArgumentException($"An input item has no {what}: give the items of Get-MigrationInventory, or rows with SourceBucket, SourceKey and TargetKey (-SourceBucket names the bucket of rows that have none)."),
                "InputWithout" + what.Split(' ')[0], ErrorCategory.InvalidArgument, element));

        private void Process((CopyItem Item, string? NotCopied) request)
        {
            var (item, notCopied) = request;
            if (notCopied != null)
            {
                if (ShouldProcess(item.Source().ToString(), "Pass through without copying (" + notCopied + ")")) WriteObject(Start().PassThrough(item, notCopied));
                return;
            }
            if (!ShouldProcess(item.Target().ToString(), $"Copy from {item.Source()}")) return;
            var run = Start();
            run.Planned(item);
            RunUntil(_ => run.TryPostAsync(item), Report);
        }

        protected override void EndProcessing()
        {
            if (_run == null) return; // -WhatIf, or no input
            RunUntil(_ => _run.TryDrainAsync(), Report);
            _run.Complete();
            WriteMessages();
            ProgressDone(ProgressId, Activity);
            WriteVerbose(_run.DoneText());
        }

        /// <summary>Opens the workspace and connects on the first item that really runs, so -WhatIf writes nothing.</summary>
        private CopySession Start()
        {
            if (_run != null) return _run;
            try { _run = CopySession.Open(_workspace); }
            catch (MigrationException ex) { Terminate(ex); }
            catch (IOException ex)
            {
                TerminateUnavailable(ex, "JournalUnavailable", $"The journal in '{_workspace}' could not be opened: {ex.Message} Is another copy running on this workspace?", _workspace);
            }
            catch (InvalidDataException ex) { TerminateJournalMalformed(ex, _workspace); }
            if (_expected is long expected) _run!.ExpectInput(expected);
            WriteMessages();
            try { _s3 = Connect(sdkRetries: false); }
            catch (MigrationException ex) { Terminate(ex); }
            var settings = new CopySettings
            {
                ServerSideEncryption = ServerSideEncryption, KmsKeyId = KmsKeyId, StorageClass = StorageClass, CannedAcl = CannedAcl,
                AddMigrationTags = !NoMigrationTags, Force = Force, MultipartThreshold = MultipartThreshold, PartSize = PartSize,
                Verify = Enum.Parse<CopyVerifyMode>(Verify, ignoreCase: true),
            };
            RunAsync(ct => _run!.StartAsync(_s3!, Where, settings, MaxRetries, ThrottleLimit, ct));
            WriteMessages();
            return _run!;
        }

        /// <summary>Writes what finished, on the pipeline thread; stops the run on a whole-run error; moves the progress.</summary>
        private void Report()
        {
            foreach (var r in _run!.TakeFinished()) Write(r);
            if (_run.Fatal is { } ex)
            {
                // A whole-run error (a missing bucket, rejected credentials): stop the other copies first, journal
                // the ones that finished, and only then close the journal and stop.
                RunAsync(_ => _run.ShutdownAsync("failed"));
                if (ex is MigrationException m) Terminate(m);
                ThrowTerminatingError(new ErrorRecord(ex, "CopyEngineFailed", ErrorCategory.NotSpecified, null));
            }
            var progress = _run.Tick();
            WriteMessages();
            if (progress is { } p)
                // A new record each time: hosts may keep the records they were given. Without a known total (no inventory
                // in the workspace, streamed input) it counts without a percentage rather than guess from the items so far.
                WriteProgress(new ProgressRecord(ProgressId, Activity,
                    (p.Total is long total ? $"{p.Done:N0} of {Plural.Grouped(total, "item")}" : $"{p.Done:N0} copied")
                    + $" ({p.Verified:N0} verified, {p.Failed:N0} failed), {Bytes(p.BytesVerified)}; {p.ObjectsPerSecond:N1} objects/s, {Bytes(p.BytesPerSecond)}/s")
                    { PercentComplete = p.PercentComplete, SecondsRemaining = p.SecondsRemaining });
        }

        private void Write(MigrationResult r)
        {
            WriteObject(r);
            if (r.Status == MigrationResultStatus.Failed)
            {
                var archived = r.Reason == FailureReason.SourceArchived;
                WriteError(new ErrorRecord(new InvalidOperationException($"Copying {r.Source()} to {r.Target()} failed: {r.Notes}"),
                    archived ? "SourceArchived" : "CopyFailed", archived ? ErrorCategory.ResourceUnavailable : ErrorCategory.WriteError, r));
            }
            else if (r.Status == MigrationResultStatus.Conflict)
                WriteWarning($"Conflict at {r.Target()}: {r.Notes}");
        }

        private void WriteMessages()
        {
            foreach (var m in _run!.Messages.Take())
                if (m.IsWarning) WriteWarning(m.Text); else WriteVerbose(m.Text);
        }

        /// <summary>
        /// Runs when the pipeline ends, also after Ctrl+C (StopProcessing cancels the copies in flight): copies that
        /// completed are journaled, the summary says "cancelled", and the journal is closed consistent.
        /// </summary>
        public void Dispose()
        {
            if (_run is { Started: true, Finished: false }) RunAsync(_ => _run.ShutdownAsync(StopToken.IsCancellationRequested ? "cancelled" : "failed"));
            _run?.Dispose();
            _s3?.Dispose();
        }
    }
}
