using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Set-MigrationDefault, in the manner of AWS.Tools' Set-DefaultAWSRegion: -EndpointUrl, -Region and -ProfileName
    /// for every cmdlet of this module for the rest of the session, through the global $PSDefaultParameterValues
    /// (MigrationDefaults.cs), so an explicit parameter still wins and AWS.Tools' cmdlets are untouched. -Clear removes
    /// the module's keys only. No default workspace: PowerShell binds a default before pipeline input, so it would
    /// outrank the WorkspacePath piped objects carry, and a check, undo or cleanup would act on another migration.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "MigrationDefault", DefaultParameterSetName = SetSet, HelpUri = HelpLinks.Defaults)]
    [OutputType(typeof(MigrationDefault))]
    public sealed class SetMigrationDefaultCommand : MigrationCmdletBase
    {
        private const string SetSet = "Set";
        private const string ClearSet = "Clear";

        [Parameter(ParameterSetName = SetSet)]
        [ValidateNotNullOrEmpty]
        public string? EndpointUrl { get; set; }

        [Parameter(ParameterSetName = SetSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? Region { get; set; }

        [Parameter(ParameterSetName = SetSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProfileNameCompleter))]
        public string? ProfileName { get; set; }

        [Parameter(ParameterSetName = ClearSet, Mandatory = true)]
        public SwitchParameter Clear { get; set; }

        [Parameter(ParameterSetName = SetSet)]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            var defaults = MigrationDefaults.Session(SessionState);
            var commands = MigrationDefaults.Commands(MyInvocation.MyCommand.Module);
            if (Clear)
            {
                foreach (var key in MigrationDefaults.Parameters.SelectMany(p => MigrationDefaults.Keys(commands, p))) defaults.Remove(key);
                return;
            }
            var given = new Dictionary<string, string?>
            {
                ["EndpointUrl"] = EndpointUrl, ["Region"] = Region, ["ProfileName"] = ProfileName,
            }.Where(p => p.Value != null).ToList();
            if (given.Count == 0)
            {
                TerminateInvalidArgument(new System.ArgumentException(
                    "Give at least one of -EndpointUrl, -Region and -ProfileName, or -Clear to remove the module's defaults."),
                    "NoDefaultGiven", null);
                return;
            }
            foreach (var (parameter, value) in given)
                foreach (var key in MigrationDefaults.Keys(commands, parameter)) defaults[key] = value;
            if (PassThru) WriteObject(GetMigrationDefaultCommand.Read(defaults, commands), enumerateCollection: true);
        }
    }
}
