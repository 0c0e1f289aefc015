using System;
using System.Collections;
using System.Management.Automation;
using S3Migration.Rules;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Get-MigrationTargetKey: the naming rule for the application's upload path. Given a row id, a name and a
    /// file name, it returns the file type and the target key, from the same code the inventory uses.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MigrationTargetKey", HelpUri = HelpLinks.NamingRules)]
    [OutputType(typeof(MigrationTarget))]
    public sealed class GetMigrationTargetKeyCommand : MigrationCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RowId { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("PersonName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string FileName { get; set; } = "";

        [Parameter]
        public Hashtable? FileTypeMap { get; set; }

        [Parameter]
        public string? DestinationPrefix { get; set; }

        private TargetKeyBuilder? _builder;

        protected override void BeginProcessing()
        {
            try
            {
                _builder = new TargetKeyBuilder(Rules.FileTypeMap.Create(FileTypeMap), DestinationPrefix);
            }
            catch (ArgumentException ex)
            {
                TerminateInvalidArgument(ex, "InvalidNamingParameter", FileTypeMap);
            }
        }

        protected override void ProcessRecord()
        {
            var rowId = RowId.Trim();
            foreach (var c in rowId)
                if (c < '0' || c > '9')
                {
                    WriteInvalidArgument(new ArgumentException($"RowId '{RowId}' is not a number; row ids are digits, such as 472."), "InvalidRowId", RowId);
                    return;
                }
            try
            {
                WriteObject(_builder!.Build(rowId, Name, FileName));
            }
            catch (ArgumentException ex)
            {
                WriteInvalidArgument(ex, "InvalidFileName", FileName);
            }
        }
    }
}
