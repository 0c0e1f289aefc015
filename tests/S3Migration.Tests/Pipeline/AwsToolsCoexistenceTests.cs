using Amazon.S3;
using S3Migration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// Issue 12, the blocker: the module loads beside AWS.Tools. A real pwsh (this test process already holds the module's
/// own AWSSDK.Core in its default context, so it cannot play the session) loads another AWSSDK.Core with Add-Type,
/// before or after Import-Module, as AWS.Tools 4 (3.7.x) or 5 (4.0.x) does; then Get-MigrationInventory and
/// Copy-PersonFiles work against moto, with -Credential made from the session's (foreign) SDK.
/// </summary>
[Collection(S3Collection.Name)]
public class AwsToolsCoexistenceTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    private readonly ITestOutputHelper _out;
    public AwsToolsCoexistenceTests(MotoServer moto, ITestOutputHelper output) { _moto = moto; _s3 = moto.CreateClient(); _out = output; }

    private const string Script = """
        $ErrorActionPreference = 'Stop'
        if ($env:S3MIG_ORDER -eq 'before') { Add-Type -Path $env:S3MIG_CORE }
        Import-Module $env:S3MIG_MANIFEST
        if ($env:S3MIG_ORDER -eq 'after') { Add-Type -Path $env:S3MIG_CORE }
        $session = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' -and
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_) -eq [System.Runtime.Loader.AssemblyLoadContext]::Default }
        "SESSION SDK $($session.Location)"
        $credential = [Amazon.Runtime.BasicAWSCredentials]::new('testing', 'testing')
        $items = @(Get-MigrationInventory -Bucket $env:S3MIG_BUCKET -EndpointUrl $env:S3MIG_ENDPOINT -Credential $credential -WorkspacePath $env:S3MIG_WS)
        "PLANNED $(@($items | Where-Object Status -eq 'Planned').Count)"
        "TYPED $($items[0] -is [S3Migration.Model.MigrationItem])"
        $copied = @($items | Copy-PersonFiles -WorkspacePath $env:S3MIG_WS -EndpointUrl $env:S3MIG_ENDPOINT -Credential $credential)
        "VERIFIED $(@($copied | Where-Object Status -eq 'Verified').Count) OF $($copied.Count)"
        """;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var v in ForeignAwsSdk.Versions) { data.Add(v, "before"); data.Add(v, "after"); }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Inventory_and_copy_work_with_another_AWSSDK_Core_in_the_session(string version, string order)
    {
        Skip.If(PwshProcess.Locate(out var noPwsh) == null, noPwsh);
        var core = ForeignAwsSdk.CorePath(version, out var whyNot);
        Assert.True(core != null, whyNot);   // a restore that fails is a failure, not a skip: the blocker would go untested

        var bucket = new TestBucket(_s3, TestBucket.UniqueName("alc"));
        bucket.Put("101_Ada_Lovelace/song.mp3", "ada's song");
        bucket.Put("101_Ada_Lovelace/notes.pdf", "ada's notes");
        using var ws = new TempDir();
        using var pwsh = PwshProcess.Start(Script, new Dictionary<string, string>
        {
            ["S3MIG_MANIFEST"] = RepoPaths.Manifest, ["S3MIG_CORE"] = core!, ["S3MIG_ORDER"] = order,
            ["S3MIG_BUCKET"] = bucket.Name, ["S3MIG_ENDPOINT"] = _moto.EndpointUrl, ["S3MIG_WS"] = ws.Path,
        });
        Assert.True(pwsh.WaitForExit(TimeSpan.FromMinutes(2)), "pwsh did not end:\n" + pwsh.Output);
        _out.WriteLine(pwsh.Output);
        Assert.True(pwsh.ExitCode == 0, $"exit code {pwsh.ExitCode}:\n{pwsh.Output}");
        // The session's AWSSDK.Core is the foreign one (so -Credential came from it), and the module worked beside it.
        Assert.Contains("SESSION SDK " + core, pwsh.Output);
        Assert.Contains("PLANNED 2", pwsh.Output);
        // The engine's types live in the module's load context; scripts still name them (type accelerators).
        Assert.Contains("TYPED True", pwsh.Output);
        Assert.Contains("VERIFIED 2 OF 2", pwsh.Output);
    }
}
