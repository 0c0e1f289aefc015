using System;
using System.Management.Automation;
using S3Migration.Model;
using S3Migration.PeopleCsv;
using S3Migration.Rules;
using S3Migration.Workspace;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Restore-OutputCsv: puts the people CSV back from its backup after checking the backup's MD5. From a workspace it
    /// takes the backup of the first Update-OutputCsv, the CSV as it was before any URL was rewritten. With a workspace
    /// it refuses, unless -Force, a backup whose URLs name objects the cleanup deleted (they would answer 404).
    /// </summary>
    [Cmdlet(VerbsData.Restore, "OutputCsv", HelpUri = HelpLinks.PeopleCsv, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = WorkspaceSet)]
    [OutputType(typeof(CsvRestoreResult))]
    public sealed class RestoreOutputCsvCommand : MigrationCmdletBase
    {
        private const string WorkspaceSet = "Workspace";
        private const string BackupSet = "Backup";

        /// <summary>Mandatory from a workspace; with -Path and -BackupPath optional, to check the backup's URLs against the workspace's cleanup.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = WorkspaceSet)]
        [Parameter(ParameterSetName = BackupSet)]
        [ValidateNotNullOrEmpty]
        [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string? WorkspacePath { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = BackupSet)]
        [Alias("CsvPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = BackupSet)]
        [ValidateNotNullOrEmpty]
        public string BackupPath { get; set; } = "";

        [Parameter] public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                string csv, backup;
                string? updatedMd5 = null;
                var workspace = ResolvePathOrNull(WorkspacePath);
                if (ParameterSetName == WorkspaceSet)
                    (csv, backup, updatedMd5) = CsvRestore.FromWorkspace(workspace!);
                else
                {
                    csv = ResolvePath(Path);
                    backup = ResolvePath(BackupPath);
                }
                // Asked before ShouldProcess too, so that -WhatIf already says a restore would be refused.
                if (workspace != null) CsvRestore.CheckUrls(csv, backup, workspace, Force);
                else WriteWarning($"Without -WorkspacePath the URLs of '{backup}' are not checked against a cleanup's {DeletionJournal.FileName}: " +
                                  "give the migration's workspace to be told about URLs of deleted objects.");
                if (!ShouldProcess(csv, $"Replace with the backup '{backup}' (after checking its MD5; the current file is saved first)")) return;
                var result = CsvRestore.Restore(csv, backup, updatedMd5, Force, workspace);
                if (result.RemovedTempFiles.Count > 0)
                    WriteVerbose($"Removed {result.RemovedTempFiles.Count} temporary files a killed run left beside '{csv}': {string.Join(", ", result.RemovedTempFiles)}.");
                if (result.UrlsOfDeletedObjects.Count > 0) WriteWarning("Restored with -Force: " + PhaseGates.BrokenUrls(result.UrlsOfDeletedObjects));
                if (ParameterSetName == WorkspaceSet && result.Status == CsvRestoreStatus.Restored)
                    CsvUpdateLog.Append(workspace!, new CsvUpdateRecord { Action = CsvUpdateRecord.Restore, CsvPath = csv, BackupPath = backup, BackupMd5 = result.Md5, UpdatedMd5 = result.Md5, UpdatedAt = DateTime.UtcNow });
                WriteVerbose(result.Status == CsvRestoreStatus.Restored
                    ? $"Restored '{csv}' from '{backup}' (md5 {result.Md5}); the file it replaced is in '{result.SavedCurrentAs}'."
                    : $"'{csv}' already is the backup '{backup}' (md5 {result.Md5}); nothing was changed.");
                WriteObject(result);
            }
            catch (MigrationException ex) { Terminate(ex); }
        }
    }
}
