using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using S3Migration.Csv;
using S3Migration.Journal;
using S3Migration.Reports;
using S3Migration.Storage;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Update-OutputCsv: rewrites the people CSV's URLs to the new layout from the journal's verified copies, with a
    /// backup first, validation before anything is replaced, and an atomic swap (plan phase 3).
    /// </summary>
    [Cmdlet(VerbsData.Update, "OutputCsv", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CsvUrlChange), typeof(CsvUpdateComparison))]
    public sealed class UpdateOutputCsvCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("CsvPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>The workspace of the copy; Copy-PersonFiles' and Test-MigrationIntegrity's results carry it.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string WorkspacePath { get; set; } = "";

        [Parameter] public Hashtable? UrlColumn { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string? UrlDelimiter { get; set; }
        [Parameter] public SwitchParameter KeepSchema { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string? RowIdColumn { get; set; }
        [Parameter] public Hashtable? FileTypeMap { get; set; }

        private readonly List<string> _workspaces = new List<string>();

        protected override void ProcessRecord()
        {
            var ws = SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorkspacePath);
            if (!_workspaces.Contains(ws)) _workspaces.Add(ws);
        }

        protected override void EndProcessing()
        {
            if (_workspaces.Count > 1)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"The piped objects come from {_workspaces.Count} workspaces ({string.Join(", ", _workspaces)}); update the CSV from one at a time."),
                    "SeveralWorkspaces", ErrorCategory.InvalidArgument, _workspaces));
            if (_workspaces.Count == 0)
            {
                // An empty pipeline (say, a filter that let nothing through): no workspace, so nothing to update from.
                WriteWarning("No workspace came through the pipeline, so the CSV was not updated. Give -WorkspacePath, or pipe Copy-PersonFiles results.");
                return;
            }
            var workspace = _workspaces[0];
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            try
            {
                var options = new CsvUpdateOptions
                {
                    Columns = CsvUpdateOptions.ColumnsWith(UrlColumn), UrlDelimiter = UrlDelimiter, KeepSchema = KeepSchema,
                    RowIdColumn = RowIdColumn ?? PeopleCsvReader.DefaultRowIdColumn, Types = Planning.FileTypeMap.Create(FileTypeMap),
                    Planned = InventoryChecksumsWriter.ReadKeys(workspace).Planned,
                };
                var journal = ExpectedCopy.FromJournal(JournalReader.ReadWorkspace(workspace));
                WriteVerbose($"The journal in {workspace} records {journal.Count(e => e.Migrated)} verified copies.");
                var plan = CsvUrlUpdater.Plan(path, CsvText.ReadLocked(path), journal, options);
                foreach (var w in plan.Warnings) WriteWarning(w);
                if (plan.Problems.Count > 0)
                {
                    foreach (var p in plan.Problems.Take(100))
                        WriteError(new ErrorRecord(new InvalidOperationException(p.ToString()), "CsvRowInvalid", ErrorCategory.InvalidData, p));
                    var lines = string.Join(", ", plan.Problems.Select(p => p.Line).Distinct().Take(20));
                    Terminate(new MigrationException("CsvValidationFailed", MigrationErrorKind.InvalidData,
                        $"{plan.Problems.Count} URL cells of '{path}' failed validation (lines {lines}{(plan.Problems.Count > 20 ? ", …" : "")}); the first: {plan.Problems[0]}. The CSV was left as it is.", target: path));
                }
                if (!plan.HasChanges)
                {
                    WriteVerbose($"Every URL of '{path}' is already what the journal says; nothing to change, the file was not touched.");
                    WriteObject(plan.Comparison);
                    return;
                }
                var what = $"Rewrite {plan.Comparison.Rewritten} URLs, fill {plan.Comparison.Filled} empty cells" +
                           (plan.Comparison.AddedColumns.Count > 0 ? $", add columns {string.Join(", ", plan.Comparison.AddedColumns)}" : "") + " (after a backup)";
                if (!ShouldProcess(path, what))
                {
                    plan.Comparison.WhatIf = true;
                    foreach (var c in plan.Changes) WriteObject(c);
                    WriteObject(plan.Comparison);
                    return;
                }
                var cmp = CsvFileSwap.Apply(plan, workspace);
                if (cmp.RemovedTempFiles.Count > 0)
                    WriteVerbose($"Removed {cmp.RemovedTempFiles.Count} temporary files a killed run left beside '{path}': {string.Join(", ", cmp.RemovedTempFiles)}.");
                WriteVerbose($"Replaced '{path}' (md5 {cmp.UpdatedMd5}); the original is in '{cmp.BackupPath}' (md5 {cmp.BackupMd5}).");
                foreach (var c in plan.Changes) WriteObject(c);
                WriteObject(cmp);
            }
            catch (MigrationException ex) { Terminate(ex); }
            catch (ArgumentException ex) { Terminate(new MigrationException("InvalidParameter", MigrationErrorKind.InvalidArgument, ex.Message, ex)); }
        }

        private void Terminate(MigrationException ex) => ThrowTerminatingError(S3CmdletBase.ToErrorRecordFor(ex));
    }
}
