using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3Migration.Model;
using S3Migration.PeopleCsv;
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
    /// before each deletion unless -Confirm:$false.
    /// </summary>
    [Cmdlet(VerbsCommon.Undo, "Migration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(RollbackResult))]
    public sealed class UndoMigrationCommand : S3CmdletBase
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string WorkspacePath { get; set; } = "";

        protected override void EndProcessing()
        {
            var workspace = SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorkspacePath);
            var planPath = Path.Combine(workspace, RollbackPlan.FileName);
            System.Collections.Generic.List<RollbackEntry> plan, fromPlan, fromJournal;
            RollbackSources known;
            try
            {
                known = RollbackSources.FromWorkspace(workspace);
                // The journal and the plan together: copies made after the last integrity check are only in the
                // journal, and the journal's last verified row of a source is newer than any plan entry for it.
                fromPlan = File.Exists(planPath) ? RollbackPlan.Read(workspace) : new System.Collections.Generic.List<RollbackEntry>();
                fromJournal = RollbackPlan.FromJournal(workspace);
                plan = RollbackPlan.Merge(fromPlan, fromJournal);
                // The people CSV the workspace serves: a copy it still names is kept (the application serves it).
                var csv = Workspace.MigrationState.Load(workspace).CsvPath;
                if (csv != null && File.Exists(csv))
                {
                    var destinations = plan.Where(e => e.TargetKey.Length > 0).Select(e => JournalRow.S3Path(e.TargetBucket, e.TargetKey)).ToList();
                    known.CsvReferences = S3Migration.PeopleCsv.CsvUrlReferences.InFile(csv, destinations)
                        .GroupBy(r => r.ObjectPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
                }
                else if (csv != null)
                    WriteWarning($"The people CSV '{csv}' that the workspace serves (migration_state.json) does not exist, so its URLs were not checked: a copy it names would be deleted. Put it back there first if the application reads it.");
            }
            catch (MigrationException ex) { Terminate(ex); return; }
            catch (Exception ex) when (ex is IOException || ex is System.Text.Json.JsonException || ex is InvalidDataException || ex is System.Collections.Generic.KeyNotFoundException)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidDataException($"The rollback plan in '{workspace}' could not be read: {ex.Message}", ex), "RollbackPlanUnreadable", ErrorCategory.InvalidData, planPath));
                return;
            }
            if (plan.Count == 0 && File.Exists(Path.Combine(workspace, MultipartUploadLog.FileName)))
            {
                // No copy verified, but a killed one may have left its multipart upload open: that much is undone.
                using var client = CreateClient();
                if (client != null) AbortUploadsLeftOpen(client, workspace);
            }
            if (plan.Count == 0)
                ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"'{workspace}' has no {RollbackPlan.FileName} and no verified copy in its journal: there is nothing to undo."),
                    "NothingToUndo", ErrorCategory.ObjectNotFound, workspace));
            WriteVerbose($"Rolling back {plan.Count} copies: {fromJournal.Count} from the journal, {plan.Count - fromJournal.Count} more from {planPath}.");

            Amazon.S3.IAmazonS3? s3 = null;
            try
            {
                s3 = S3ClientFactory.Create(Connection);
                AbortUploadsLeftOpen(s3, workspace);
                var engine = new RollbackEngine(s3);
                var done = 0;
                foreach (var r in engine.Run(plan, e => ShouldProcess($"s3://{e.TargetBucket}/{e.TargetKey}", "Delete the migrated copy (its source still exists)"), StopToken, known))
                {
                    done++;
                    if (r.Status == RollbackStatus.WhatIf) continue; // -WhatIf: ShouldProcess already said what would happen
                    if (r.Status == RollbackStatus.Kept) WriteWarning($"Kept s3://{r.TargetBucket}/{r.TargetKey}: {r.Reason}");
                    if (r.Status == RollbackStatus.Failed)
                        WriteError(new ErrorRecord(new InvalidOperationException($"s3://{r.TargetBucket}/{r.TargetKey}: {r.Reason}"), "RollbackFailed", ErrorCategory.WriteError, r));
                    WriteObject(r);
                    WriteProgress(new ProgressRecord(4, "Undo-Migration", $"{done} of {plan.Count}") { PercentComplete = 100 * done / plan.Count });
                }
                WriteProgress(new ProgressRecord(4, "Undo-Migration", "Done") { RecordType = ProgressRecordType.Completed });
            }
            catch (MigrationException ex) { Terminate(ex); }
            finally { s3?.Dispose(); }
        }

        private Amazon.S3.IAmazonS3? CreateClient()
        {
            try { return S3ClientFactory.Create(Connection); }
            catch (MigrationException ex) { Terminate(ex); return null; }
        }

        /// <summary>
        /// The multipart uploads a killed copy or backup left open (multipart_uploads.csv): part of what the migration
        /// wrote, so the undo aborts them too (asked once, like a deletion).
        /// </summary>
        private void AbortUploadsLeftOpen(Amazon.S3.IAmazonS3 s3, string workspace)
        {
            try
            {
                var open = MultipartUploadLog.AbortLeftOpenAsync(s3, workspace, true, StopToken).GetAwaiter().GetResult();
                if (open.Count == 0 || !ShouldProcess(string.Join(", ", open), "Abort the multipart uploads an interrupted copy left open")) return;
                foreach (var u in MultipartUploadLog.AbortLeftOpenAsync(s3, workspace, false, StopToken).GetAwaiter().GetResult())
                    WriteVerbose($"Aborted the multipart upload {u}, which an interrupted run left open.");
            }
            catch (Exception ex) when (!(ex is OperationCanceledException || ex is PipelineStoppedException))
            {
                WriteWarning($"The multipart uploads an interrupted run left open ({MultipartUploadLog.FileName}) could not be aborted ({ex.GetBaseException().Message}); run Undo-Migration again.");
            }
        }
    }
}
