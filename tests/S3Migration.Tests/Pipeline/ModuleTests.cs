using System.Management.Automation;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>The module as PowerShell sees it: manifest, exports, parameter sets, help.</summary>
[Collection(S3Collection.Name)]
public class ModuleTests
{
    private static readonly string[] Cmdlets = { "Backup-MigrationSource", "Backup-OutputCsv", "Compress-MigrationWorkspace", "Copy-PersonFiles", "Get-MigrationDefault", "Get-MigrationInventory", "Get-MigrationTargetKey", "New-MigrationCertificate", "New-MigrationFinalReport", "Remove-MigrationSource", "Restore-OutputCsv", "Set-MigrationDefault", "Test-MigrationArchive", "Test-MigrationIntegrity", "Test-OutputCsvUrl", "Undo-Migration", "Update-OutputCsv" };

    private static readonly string[] Functions = { "Invoke-MigrationWatch" };
    /// <summary>Every command the module exports: its cmdlets and its one function.</summary>
    public static readonly string[] Commands = Cmdlets.Concat(Functions).OrderBy(c => c, StringComparer.Ordinal).ToArray();

    [Fact]
    public void The_manifest_is_valid_and_exports_exactly_the_cmdlets()
    {
        var run = PowerShellHost.Run("Test-ModuleManifest -Path $manifest", new Dictionary<string, object?> { ["manifest"] = RepoPaths.Manifest });
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var info = Assert.IsType<PSModuleInfo>(Assert.Single(run.Output).BaseObject);
        // The manifest names the version the assembly was built as (the csproj's), so a package never says one and ships another.
        var built = typeof(MigrationResult).Assembly.GetName().Version!;
        Assert.Equal(new Version(built.Major, built.Minor, built.Build), info.Version);
        Assert.Equal(Cmdlets, info.ExportedCmdlets.Keys.OrderBy(k => k));
        // The one function: the 30-day watch, a script module composed of the cmdlets (scripts/S3Migration.Watch.psm1).
        Assert.Equal(Functions, info.ExportedFunctions.Keys.OrderBy(k => k));
        // The module puts no assembly into PowerShell's default context (AWS.Tools' AWSSDK.Core may be there): its
        // engine and SDK load in its own load context (bin/deps/); scripts that want SDK types load them (LocalS3.psm1).
        Assert.Empty(info.RequiredAssemblies);
        Assert.Equal(new[] { "Core" }, info.CompatiblePSEditions);
        Assert.Equal(new Version(7, 6), info.PowerShellVersion);   // what the tests run on, and no less

        var loaded = PowerShellHost.Run("(Get-Module S3Migration).ExportedCmdlets.Keys | ForEach-Object { $_ }");
        Assert.Equal(Cmdlets, loaded.Output.Select(o => o.ToString()).OrderBy(k => k));
    }

    [Fact]
    public void Inventory_has_a_profile_set_by_default_and_a_credential_set()
    {
        var run = PowerShellHost.Run("$c = Get-Command Get-MigrationInventory; $c.DefaultParameterSet; $c.ParameterSets | ForEach-Object { $_.Name }");
        Assert.Equal(new[] { "Profile", "Profile", "Credential" }, run.Output.Select(o => o.ToString()));
        // -Credential takes any object (credentials of any AWSSDK.Core, read by shape), so a plain one shows the ambiguity.
        var both = PowerShellHost.Run("Get-MigrationInventory -Bucket b -ProfileName p -Credential ([pscustomobject]@{ AccessKey = 'a' })");
        Assert.Equal("AmbiguousParameterSet", both.StoppingError?.FullyQualifiedErrorId.Split(',')[0]);
    }

    [Theory]
    [InlineData("Get-MigrationInventory")]
    [InlineData("Get-MigrationTargetKey")]
    [InlineData("Copy-PersonFiles")]
    [InlineData("Test-MigrationIntegrity")]
    [InlineData("Undo-Migration")]
    [InlineData("New-MigrationCertificate")]
    [InlineData("Backup-OutputCsv")]
    [InlineData("Update-OutputCsv")]
    [InlineData("Restore-OutputCsv")]
    [InlineData("Test-OutputCsvUrl")]
    [InlineData("Compress-MigrationWorkspace")]
    [InlineData("Test-MigrationArchive")]
    [InlineData("New-MigrationFinalReport")]
    [InlineData("Remove-MigrationSource")]
    [InlineData("Backup-MigrationSource")]
    [InlineData("Set-MigrationDefault")]
    [InlineData("Get-MigrationDefault")]
    public void Every_cmdlet_has_full_help(string name)
    {
        var run = PowerShellHost.Run("""
            $h = Get-Help $name -Full
            "synopsis=" + $h.Synopsis
            "description=" + (($h.description | ForEach-Object { $_.Text }) -join ' ')
            "examples=" + @($h.examples.example).Count
            $documented = @($h.parameters.parameter | Where-Object { ($_.description | ForEach-Object { $_.Text }) -join '' } | ForEach-Object { $_.name })
            (Get-Command $name).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters } |
                Where-Object { $_ -notin $documented } | ForEach-Object { "undocumented=" + $_ }
            """, new Dictionary<string, object?> { ["name"] = name });
        Assert.Null(run.Terminating);
        var lines = run.Output.Select(o => o.ToString()).ToList();
        var synopsis = lines.Single(l => l.StartsWith("synopsis="))["synopsis=".Length..];
        Assert.True(synopsis.Length > 20 && !synopsis.StartsWith(name), $"synopsis: {synopsis}");
        Assert.True(lines.Single(l => l.StartsWith("description=")).Length > 100);
        Assert.True(int.Parse(lines.Single(l => l.StartsWith("examples="))["examples=".Length..]) >= 2);
        Assert.Empty(lines.Where(l => l.StartsWith("undocumented=")));
    }
}
