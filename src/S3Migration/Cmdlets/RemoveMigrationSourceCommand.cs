using System;
using System.Collections.Generic;
using System.Management.Automation;
using S3Migration.Model;
using S3Migration.Phases;
using S3Migration.Phases.Removal;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Remove-MigrationSource: phase 5's cleanup. Deletes the old per-person source objects whose copy is verified in
    /// the journal, whose destination is identical right now, whose backup is verified and which the people CSV no
    /// longer names, after the grace period. The work is Phases/Removal's and the decisions Rules/PhaseGates'; this binds
    /// parameters, asks ShouldProcess per source, shows progress and writes the output, on the pipeline thread.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "MigrationSource", HelpUri = HelpLinks.Removal, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(RemovalResult))]
    public sealed class RemoveMigrationSourceCommand : S3CmdletBase
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string WorkspacePath { get; set; } = "";

        /// <summary>With SourceKey, from the pipeline (e.g. Test-MigrationIntegrity results): limits the run to these sources.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)] [ValidateBucketName] [ArgumentCompleter(typeof(BucketNameCompleter))] public string? SourceBucket { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string? SourceKey { get; set; }

        [Parameter] [ValidateRange(0, 3650)] public int GracePeriodDays { get; set; } = 30;
        /// <summary>Skips the grace period only, never a safety check.</summary>
        [Parameter] public SwitchParameter Force { get; set; }
        [Parameter] public SwitchParameter SkipBackupCheck { get; set; }
        /// <summary>The people CSV to check for URLs that still name a source; the workspace's by default (recorded there when given).</summary>
        [Parameter] [ValidateNotNullOrEmpty] public string? CsvPath { get; set; }
        /// <summary>Deletes without reading the people CSV.</summary>
        [Parameter] public SwitchParameter SkipCsvCheck { get; set; }
        [Parameter] [ValidateRange(1, 1000)] public int BatchSize { get; set; } = 1000;
        [Parameter] [ValidateRange(1, 256)] public int ThrottleLimit { get; set; } = 16;
        [Parameter] [ValidateRange(0, 20)] public int MaxRetries { get; set; } = 5;
        [Parameter] public SwitchParameter PermanentlyDeleteVersion { get; set; }

        private HashSet<string>? _only;

        protected override void ProcessRecord()
        {
            if (string.IsNullOrEmpty(SourceBucket) || string.IsNullOrEmpty(SourceKey)) return;
            (_only ??= new HashSet<string>(StringComparer.Ordinal)).Add(JournalRow.S3Path(SourceBucket!, SourceKey!));
        }

        protected override void EndProcessing()
        {
            var workspace = SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorkspacePath);
            var options = new RemovalOptions
            {
                GracePeriodDays = GracePeriodDays, Force = Force, SkipBackupCheck = SkipBackupCheck, BatchSize = BatchSize, SkipCsvCheck = SkipCsvCheck,
                CsvPath = CsvPath != null ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(CsvPath) : null,
                ThrottleLimit = ThrottleLimit, MaxRetries = MaxRetries, PermanentlyDeleteVersion = PermanentlyDeleteVersion, Only = _only,
                DryRun = IsWhatIf(),
            };
            S3Session? s3 = null;
            try
            {
                s3 = S3Session.Open(Connection);
                var action = SkipBackupCheck ? SourceRemoval.ActionWithoutBackup : SourceRemoval.ActionWithBackup;
                var run = new RemovalRun();
                var warned = 0;
                foreach (var step in Each(ct => new SourceRemoval(s3, options).StepsAsync(workspace, run, ct)))
                {
                    // Warnings as they come, before the sources they concern are confirmed (or previewed by -WhatIf).
                    for (; warned < run.Warnings.Count; warned++) WriteWarning(run.Warnings[warned]);
                    if (step is ConfirmStep<RemovalResult> ask) ask.Confirmed = ShouldProcess(ask.Subject.SourcePath, action);
                    else if (step is ProgressStep p)
                        WriteProgress(new ProgressRecord(5, "Remove-MigrationSource", $"{p.Activity}: {p.Done} of {p.Total} sources, {Bytes(p.Bytes)}")
                            { PercentComplete = p.Total > 0 ? Math.Min(100, 100 * p.Done / p.Total) : 0 });
                }
                WriteProgress(new ProgressRecord(5, "Remove-MigrationSource", "Done") { RecordType = ProgressRecordType.Completed });
                foreach (var v in run.Verbose) WriteVerbose(v);
                foreach (var r in run.Results)
                {
                    if (r.Status == RemovalStatus.Kept) WriteWarning($"Kept {r.SourcePath}: {r.Notes}");
                    if (r.Status == RemovalStatus.Failed)
                        WriteError(new ErrorRecord(new InvalidOperationException($"{r.SourcePath}: {r.Notes}"), "SourceDeleteFailed", ErrorCategory.WriteError, r));
                    WriteObject(r);
                }
                for (; warned < run.Warnings.Count; warned++) WriteWarning(run.Warnings[warned]);
                var s = run.Summary;
                WriteVerbose($"Done: {s.ObjectsDeleted} deleted, {s.DeleteMarkers} delete markers, {s.ObjectsKept} kept, {s.ObjectsFailed} failed; " +
                             $"{Bytes(s.BytesReclaimed)} reclaimed ({s.BytesReclaimed} bytes), listing {(s.ListingVerified ? "confirmed every deletion" : "did NOT confirm every deletion")}." +
                             (options.DryRun ? " -WhatIf: nothing was deleted or written." : $" See {DeletionJournal.FileName} and {RemovalSummary.FileName} in {workspace}."));
            }
            catch (MigrationException ex) { Terminate(ex); }
            finally { s3?.Dispose(); }
        }

        /// <summary>-WhatIf on the command line or $WhatIfPreference in scope: nothing may be deleted or written.</summary>
        private bool IsWhatIf()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)) return LanguagePrimitives.IsTrue(w);
            return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        }
    }
}
