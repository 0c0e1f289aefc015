using System;
using System.IO;
using System.Management.Automation;
using S3Migration.Model;
using S3Migration.Reports;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// New-MigrationFinalReport: the closing report of plan phase 5. The certificate, extended with the backup and
    /// deletion figures, every leftover of the old layout, the verdict, and lessons learned from the journal (FinalReport,
    /// LessonsLearned). The verdict is PhaseGates.FinalReportVerdict's: never Closed while anything is unaccounted for.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "MigrationFinalReport", HelpUri = HelpLinks.Closing, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FinalReport))]
    public sealed class NewMigrationFinalReportCommand : MigrationCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string WorkspacePath { get; set; } = "";

        /// <summary>The report file; final_report.md in the workspace by default.</summary>
        [Parameter] [ValidateNotNullOrEmpty] public string? Path { get; set; }

        [Parameter] [ValidateNotNullOrEmpty] public string Title { get; set; } = "S3 migration final report";

        /// <summary>Replace an existing report (it holds what people wrote under the headings, so not by default).</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        /// <summary>
        /// Leftovers the operator accepts, by s3:// path, key or a pattern with * and ?: they no longer block Closed and the
        /// report records them as accepted by the operator, with the pattern.
        /// </summary>
        [Parameter] [ValidateNotNullOrEmpty] public string[]? AcceptLeftover { get; set; }

        private readonly System.Collections.Generic.HashSet<string> _done = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);

        protected override void ProcessRecord()
        {
            var workspace = ResolvePath(WorkspacePath);
            // Piped results all carry their workspace: one report per workspace.
            if (!_done.Add(workspace)) return;
            var path = ResolvePathOrNull(Path) ?? System.IO.Path.Combine(workspace, FinalReport.FileName);
            if (File.Exists(path) && !Force)
            {
                WriteError(new MigrationException("FinalReportExists", MigrationErrorKind.WriteError,
                    $"'{path}' already exists and may hold what people wrote in it; pass -Force to replace it, or -Path for another file.", target: path));
                return;
            }
            if (!ShouldProcess(path, "Write the final report")) return;
            try
            {
                var report = FinalReport.Create(workspace, path, Title, AcceptLeftover, Environment.UserName);
                WriteVerbose($"Wrote '{report.Path}': {report.Verdict}");
                if (report.IntegrityReport.Length > 0) WriteVerbose($"Judged by the newest integrity check, {report.IntegrityReport}; {report.Leftovers.Count} leftovers listed.");
                foreach (var p in report.UnusedPatterns) WriteWarning($"-AcceptLeftover '{p}' matches no leftover of '{workspace}' (a typo, or already resolved).");
                WriteObject(report);
            }
            catch (MigrationException ex) { WriteError(ex); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(new MigrationException("FinalReportWriteFailed", MigrationErrorKind.WriteError, $"Writing '{path}' failed: {ex.Message}", ex, path));
            }
        }
    }
}
