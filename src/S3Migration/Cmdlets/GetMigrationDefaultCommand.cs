using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Get-MigrationDefault: the module's session defaults, one object per parameter and value, with the cmdlets it
    /// applies to. Reads the module's own keys only (what Set-MigrationDefault writes, or the same keys set by hand).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MigrationDefault", HelpUri = HelpLinks.Defaults)]
    [OutputType(typeof(MigrationDefault))]
    public sealed class GetMigrationDefaultCommand : MigrationCmdletBase
    {
        protected override void EndProcessing() =>
            WriteObject(Read(MigrationDefaults.Session(SessionState), MigrationDefaults.Commands(MyInvocation.MyCommand.Module)), enumerateCollection: true);

        internal static IReadOnlyList<MigrationDefault> Read(IDictionary defaults, IReadOnlyList<(string Command, string[] Parameters)> commands) =>
            MigrationDefaults.Parameters
                .SelectMany(parameter => MigrationDefaults.Keys(commands, parameter)
                    .Where(defaults.Contains)
                    .Select(key => (Command: key.Substring(0, key.IndexOf(':')), Value: Completions.Text(defaults[key])))
                    .Where(k => k.Value != null)
                    .GroupBy(k => k.Value!)
                    .Select(g => new MigrationDefault(parameter, g.Key, g.Select(k => k.Command).ToList())))
                .ToList();
    }
}
