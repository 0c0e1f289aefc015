using System.Management.Automation;
using S3Migration.Model;
using S3Migration.Workspace;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Test-MigrationArchive: proves an archive made by Compress-MigrationWorkspace, years later if need be: the zip
    /// against its .sha256 side file and every entry against SHA256SUMS. Reads only.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "MigrationArchive", HelpUri = HelpLinks.Closing)]
    [OutputType(typeof(ArchiveVerification), typeof(ArchiveEntryCheck))]
    public sealed class TestMigrationArchiveCommand : MigrationCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>One result per entry instead of the summary.</summary>
        [Parameter] public SwitchParameter Detailed { get; set; }

        protected override void ProcessRecord()
        {
            var path = ResolvePath(Path);
            try
            {
                var v = WorkspaceArchive.Verify(path);
                WriteVerbose($"{v.Path}: sha256 {v.Sha256}, {v.FilesVerified} of {Plural.Of(v.FileCount, "entry", "entries")} verified. {v.Notes}");
                if (Detailed) WriteObject(v.Entries, true);
                else WriteObject(v);
            }
            catch (MigrationException ex) { WriteError(ex); }
        }
    }
}
