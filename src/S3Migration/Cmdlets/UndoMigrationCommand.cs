using System;
using System.IO;
using System.Management.Automation;
using S3Migration.Model;
using S3Migration.Phases;
using S3Migration.Phases.Rollback;
using S3Migration.Reports;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Undo-Migration: executes rollback_plan.json together with the journal's verified copies. Deletes each
    /// destination copy that is still exactly what was copied and whose source still exists; keeps and reports
    /// anything changed since, and every destination that is the only live copy because the cleanup (or anyone)
    /// deleted its source, saying how to put the old layout back; never touches a source. ConfirmImpact High: it asks
    /// before each deletion unless -Confirm:$false. The work is Phases/Rollback's and the decision Rules/PhaseGates';
    /// this binds parameters, asks ShouldProcess, shows progress and writes the output, on the pipeline thread.
    /// </summary>
    [Cmdlet(VerbsCommon.Undo, "Migration", HelpUri = HelpLinks.Integrity, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(RollbackResult))]
    public sealed class UndoMigrationCommand : S3CmdletBase
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string WorkspacePath { get; set; } = "";

        [Parameter]
        [ValidateRange(0, 20)]
        public int MaxRetries { get; set; } = 5;

        protected override void EndProcessing()
        {
            var workspace = SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorkspacePath);
            UndoPlan plan;
            try { plan = UndoPlan.Load(workspace); }
            catch (MigrationException ex) { Terminate(ex); return; }
            foreach (var w in plan.Known.Warnings) WriteWarning(w);
            if (plan.Entries.Count == 0 && File.Exists(Path.Combine(workspace, MultipartUploadLog.FileName)))
            {
                // No copy verified, but a killed one may have left its multipart upload open: that much is undone.
                using var client = CreateClient();
                if (client != null) AbortUploadsLeftOpen(client, workspace);
            }
            try { plan.EnsureSomethingToUndo(workspace); }
            catch (MigrationException ex) { Terminate(ex); return; }
            var total = plan.Entries.Count;
            WriteVerbose($"Rolling back {Plural.Of(total, "copy", "copies")}: {plan.FromJournal} from the journal, {total - plan.FromJournal} more from {plan.PlanPath}.");

            S3Session? s3 = null;
            try
            {
                s3 = S3Session.Open(Connection);
                AbortUploadsLeftOpen(s3, workspace);
                var done = 0;
                foreach (var step in Each(ct => new RollbackEngine(s3, MaxRetries).StepsAsync(plan.Entries, plan.Known, ct)))
                {
                    if (step is ConfirmStep<RollbackEntry> ask)
                        ask.Confirmed = ShouldProcess($"s3://{ask.Subject.TargetBucket}/{ask.Subject.TargetKey}", "Delete the migrated copy (its source still exists)");
                    if (step is not OutputStep<RollbackResult> { Output: var r }) continue;
                    done++;
                    if (r.Status == RollbackStatus.WhatIf) continue; // -WhatIf: ShouldProcess already said what would happen
                    if (r.Status == RollbackStatus.Kept) WriteWarning($"Kept s3://{r.TargetBucket}/{r.TargetKey}: {r.Reason}");
                    if (r.Status == RollbackStatus.Failed)
                        WriteError(new ErrorRecord(new InvalidOperationException($"s3://{r.TargetBucket}/{r.TargetKey}: {r.Reason}"), "RollbackFailed", ErrorCategory.WriteError, r));
                    WriteObject(r);
                    WriteProgress(new ProgressRecord(4, "Undo-Migration", $"{done} of {total}") { PercentComplete = 100 * done / total });
                }
                WriteProgress(new ProgressRecord(4, "Undo-Migration", "Done") { RecordType = ProgressRecordType.Completed });
            }
            catch (MigrationException ex) { Terminate(ex); }
            finally { s3?.Dispose(); }
        }

        private S3Session? CreateClient()
        {
            try { return S3Session.Open(Connection); }
            catch (MigrationException ex) { Terminate(ex); return null; }
        }

        /// <summary>
        /// The multipart uploads a killed copy or backup left open (multipart_uploads.csv): part of what the migration
        /// wrote, so the undo aborts them too (asked once, like a deletion).
        /// </summary>
        private void AbortUploadsLeftOpen(S3Session s3, string workspace)
        {
            try
            {
                var open = RunAsync(ct => LeftOpenUploads.AbortAsync(s3, workspace, true, ct));
                if (open.Count == 0 || !ShouldProcess(string.Join(", ", open), "Abort the multipart uploads an interrupted copy left open")) return;
                foreach (var u in RunAsync(ct => LeftOpenUploads.AbortAsync(s3, workspace, false, ct)))
                    WriteVerbose($"Aborted the multipart upload {u}, which an interrupted run left open.");
            }
            catch (Exception ex) when (!(ex is OperationCanceledException || ex is PipelineStoppedException))
            {
                WriteWarning($"The multipart uploads an interrupted run left open ({MultipartUploadLog.FileName}) could not be aborted ({ex.GetBaseException().Message}); run Undo-Migration again.");
            }
        }
    }
}
