using System.Management.Automation;
using S3Migration.Model;
using S3Migration.Reports;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// New-MigrationCertificate: the migration certificate and summary document for sign-off (Markdown and HTML),
    /// generated from the workspace files, never typed by hand.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "MigrationCertificate", HelpUri = HelpLinks.Integrity, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(MigrationCertificate))]
    public sealed class NewMigrationCertificateCommand : MigrationCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string WorkspacePath { get; set; } = "";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Title { get; set; } = "S3 migration certificate";

        private readonly System.Collections.Generic.HashSet<string> _done = new System.Collections.Generic.HashSet<string>(System.StringComparer.Ordinal);

        protected override void ProcessRecord()
        {
            var workspace = ResolvePath(WorkspacePath);
            // Piped Copy-PersonFiles results all carry their workspace: one certificate per workspace, not per file.
            if (!_done.Add(workspace)) return;
            if (!ShouldProcess(workspace, $"Write {MigrationCertificate.MarkdownName} and {MigrationCertificate.HtmlName}")) return;
            try { WriteObject(MigrationCertificate.Create(workspace, Title)); }
            catch (MigrationException ex) { WriteError(ex); }
        }
    }
}
