using Amazon.S3;
using S3Migration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// Issue 12: the module installs by name, as PowerShell users install modules. build.ps1 -Task Package lays it out,
/// Publish-PSResource puts it in a local PSResourceGet repository, Install-PSResource installs it by name for a user
/// whose home is new (so nothing of this checkout is on the module path), and a new pwsh imports it by name and runs the
/// inventory, a copy and the 30-day watch from the installed folder: the command and the scheduled-task script.
/// </summary>
[Collection(S3Collection.Name)]
public class ModuleInstallTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    private readonly ITestOutputHelper _out;
    public ModuleInstallTests(MotoServer moto, ITestOutputHelper output) { _moto = moto; _s3 = moto.CreateClient(); _out = output; }

    private const string Publish = """
        $ErrorActionPreference = 'Stop'
        $package = ./build.ps1 -Task Package -NoBuild -OutputPath $env:S3MIG_OUT
        Set-Location $env:HOME   # anything PSResourceGet would write beside it stays in this user's folder
        Register-PSResourceRepository -Name S3MigrationLocal -Uri $env:S3MIG_REPO -Trusted
        Publish-PSResource -Path $package -Repository S3MigrationLocal
        Install-PSResource -Name S3Migration -Repository S3MigrationLocal -Scope CurrentUser -TrustRepository
        "INSTALLED " + (Get-InstalledPSResource -Name S3Migration).InstalledLocation
        # The other by-name form, for a machine that cannot reach the repository: saved to a folder, then copied there.
        $null = New-Item -ItemType Directory -Path $env:S3MIG_SAVED
        Save-PSResource -Name S3Migration -Repository S3MigrationLocal -Path $env:S3MIG_SAVED -TrustRepository
        "SAVED " + (Test-ModuleManifest -Path ([System.IO.Path]::Combine($env:S3MIG_SAVED, 'S3Migration', '0.2.0', 'S3Migration.psd1'))).Version
        """;

    private const string UseByName = """
        $ErrorActionPreference = 'Stop'
        Import-Module S3Migration
        $m = Get-Module S3Migration
        "BASE $($m.ModuleBase)"
        "LICENSE $([System.IO.File]::Exists([System.IO.Path]::Combine($m.ModuleBase, 'LICENSE')))"
        "LICENSEURI $($m.LicenseUri)"
        "TAGS $($m.Tags -join ',')"
        "NOTES $([bool]$m.ReleaseNotes)"
        "HELP $((Get-Help Copy-PersonFiles).Synopsis)"
        $items = @(Get-MigrationInventory -Bucket $env:S3MIG_BUCKET -EndpointUrl $env:S3MIG_ENDPOINT -WorkspacePath $env:S3MIG_WS)
        "PLANNED $(@($items | Where-Object Status -eq 'Planned').Count)"
        $copied = @($items | Copy-PersonFiles -WorkspacePath $env:S3MIG_WS -EndpointUrl $env:S3MIG_ENDPOINT)
        "VERIFIED $(@($copied | Where-Object Status -eq 'Verified').Count)"
        $watch = Invoke-MigrationWatch -Kind Daily -WorkspacePath $env:S3MIG_WS -EndpointUrl $env:S3MIG_ENDPOINT
        "WATCH $($watch.Result) $($watch.ExitCode)"
        """;

    [SkippableFact]
    public void The_package_publishes_installs_by_name_and_runs_the_inventory_and_the_daily_check_from_the_installed_folder()
    {
        Skip.If(PwshProcess.Locate(out var noPwsh) == null, noPwsh);
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("repo"));
        // A user of its own: PSResourceGet's repository list and the CurrentUser module path both live under HOME.
        var user = new Dictionary<string, string>
        {
            ["HOME"] = dir.File("home"), ["XDG_DATA_HOME"] = dir.File("home/.local/share"), ["XDG_CONFIG_HOME"] = dir.File("home/.config"),
            ["XDG_CACHE_HOME"] = dir.File("home/.cache"),
            // The pwsh's own modules (PSResourceGet ships with it) and nothing of this checkout.
            ["PSModulePath"] = "",
        };
        // .NET gives an empty LocalApplicationData for a folder that does not exist, and PSResourceGet would then keep its
        // repository list in the working folder (the checkout): create them.
        foreach (var folder in new[] { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME" }) Directory.CreateDirectory(user[folder]);

        using (var publish = PwshProcess.Start(Publish, new Dictionary<string, string>(user) { ["S3MIG_OUT"] = dir.File("out"), ["S3MIG_REPO"] = dir.File("repo"), ["S3MIG_SAVED"] = dir.File("saved") }))
        {
            Assert.True(publish.WaitForExit(TimeSpan.FromMinutes(3)), "publishing did not end:\n" + publish.Output);
            _out.WriteLine(publish.Output);
            Assert.True(publish.ExitCode == 0, $"exit code {publish.ExitCode}:\n{publish.Output}");
            Assert.Contains("SAVED 0.2.0", publish.Output);
        }
        Assert.Single(Directory.GetFiles(dir.File("repo"), "S3Migration.0.2.0.nupkg"));
        var installed = Directory.GetDirectories(user["HOME"], "S3Migration", SearchOption.AllDirectories).Single();
        var moduleBase = Path.Combine(installed, "0.2.0");
        Assert.True(File.Exists(Path.Combine(moduleBase, "bin", "deps", "S3Migration.Engine.dll")), "the engine was not installed");
        Assert.True(File.Exists(Path.Combine(moduleBase, "scripts", "Invoke-DailyIntegrityCheck.ps1")), "the watch scripts were not installed");

        var b = new TestBucket(_s3, TestBucket.UniqueName("install"));
        b.Put("101_Ada_Lovelace/song.mp3", "ada's song"); b.Put("102_Alan_Turing/paper.pdf", "alan's paper");
        var ws = dir.File("ws");
        var run = new Dictionary<string, string>(user) { ["S3MIG_BUCKET"] = b.Name, ["S3MIG_ENDPOINT"] = _moto.EndpointUrl, ["S3MIG_WS"] = ws };
        using (var use = PwshProcess.Start(UseByName, run))
        {
            Assert.True(use.WaitForExit(TimeSpan.FromMinutes(3)), "the installed module did not finish:\n" + use.Output);
            _out.WriteLine(use.Output);
            Assert.True(use.ExitCode == 0, $"exit code {use.ExitCode}:\n{use.Output}");
            Assert.Contains("BASE " + moduleBase, use.Output);   // by name, from the installed folder
            Assert.Contains("LICENSE True", use.Output);
            Assert.Contains("LICENSEURI https://", use.Output);
            Assert.Contains("TAGS S3,AWS", use.Output);
            Assert.Contains("NOTES True", use.Output);
            Assert.DoesNotContain("HELP \n", use.Output.Replace("\r", ""));
            Assert.Contains("PLANNED 2", use.Output);
            Assert.Contains("VERIFIED 2", use.Output);
            Assert.Contains("WATCH Ok 0", use.Output);
        }

        // The scheduled task's form, from the installed folder: exit 0, then 1 once a copy is gone.
        var daily = Path.Combine(moduleBase, "scripts", "Invoke-DailyIntegrityCheck.ps1");
        int Daily()
        {
            using var task = PwshProcess.StartFile(daily, new[] { "-WorkspacePath", ws, "-EndpointUrl", _moto.EndpointUrl }, user);
            Assert.True(task.WaitForExit(TimeSpan.FromMinutes(2)), task.Output);
            _out.WriteLine(task.Output);
            return task.ExitCode!.Value;
        }
        Assert.Equal(0, Daily());
        _s3.DeleteObjectAsync(b.Name, "documents/102_Alan_Turing_paper.pdf").GetAwaiter().GetResult();
        Assert.Equal(1, Daily());
    }
}
