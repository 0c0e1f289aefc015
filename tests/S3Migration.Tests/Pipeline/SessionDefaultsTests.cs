using System.Net;
using System.Net.Sockets;
using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// Session defaults: Set-MigrationDefault as AWS.Tools' Set-DefaultAWSRegion is used, through $PSDefaultParameterValues
/// for this module's cmdlets only; and the AWS_ENDPOINT_URL_S3 variable as the SDK's other tools read it.
/// </summary>
[Collection(S3Collection.Name)]
public class SessionDefaultsTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public SessionDefaultsTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private TestBucket OneFile(string stem)
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName(stem));
        b.Put("101_Ada_Lovelace/talk.mp3", "a talk");
        return b;
    }

    /// <summary>An endpoint where nothing listens: any request sent there fails.</summary>
    private static string DeadEndpoint() => $"http://127.0.0.1:{MotoServer.FreePort()}";

    [Fact]
    public void After_Set_MigrationDefault_a_cmdlet_without_EndpointUrl_talks_to_the_default_and_an_explicit_one_wins()
    {
        var bucket = OneFile("dflt");
        var run = PowerShellHost.Run("""
            Set-MigrationDefault -EndpointUrl $endpoint
            'DEFAULT=' + (Get-MigrationInventory -Bucket $bucket).TargetKey
            Set-MigrationDefault -EndpointUrl $dead
            'EXPLICIT=' + (Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint).TargetKey
            try { Get-MigrationInventory -Bucket $bucket -ErrorAction Stop } catch { 'DEAD=' + $_.Exception.Message }
            """, new Dictionary<string, object?> { ["endpoint"] = _moto.EndpointUrl, ["dead"] = DeadEndpoint(), ["bucket"] = bucket.Name });
        var lines = run.Output.Select(o => o.ToString()).ToList();
        Assert.Contains("DEFAULT=audio/101_Ada_Lovelace_talk.mp3", lines);
        Assert.Contains("EXPLICIT=audio/101_Ada_Lovelace_talk.mp3", lines);
        Assert.Contains(lines, l => l.StartsWith("DEAD=") && l.Contains("Could not reach http://127.0.0.1:"));
    }

    [Fact]
    public void Set_MigrationDefault_keys_only_the_modules_cmdlets_and_Clear_removes_only_those()
    {
        using var dir = new TempDir();
        var run = PowerShellHost.Run("""
            $PSDefaultParameterValues['Get-S3Object:EndpointUrl'] = 'http://aws-tools.example'
            $PSDefaultParameterValues['Copy-PersonFiles:Verbose'] = $true
            $PSDefaultParameterValues['Get-ChildItem:Force'] = $true
            $ExecutionContext.SessionState.Path.SetLocation($dir) | Out-Null
            Set-MigrationDefault -EndpointUrl http://127.0.0.1:9000 -Region eu-west-1 -ProfileName media
            $module = @(Get-Command -Module S3Migration | ForEach-Object Name)
            foreach ($k in $PSDefaultParameterValues.Keys) { 'KEY=' + $k }
            Get-MigrationDefault | ForEach-Object { 'DEFAULT=' + $_.Parameter + '=' + $_.Value + '=' + $_.Commands.Count }
            Set-MigrationDefault -Clear
            foreach ($k in $PSDefaultParameterValues.Keys) { 'LEFT=' + $k }
            'AFTER=' + @(Get-MigrationDefault).Count
            """, new Dictionary<string, object?> { ["dir"] = dir.Path });
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var lines = run.Output.Select(o => o.ToString()).ToList();
        var keys = lines.Where(l => l.StartsWith("KEY=")).Select(l => l[4..]).ToList();
        Assert.Contains("Copy-PersonFiles:EndpointUrl", keys);
        Assert.Contains("Get-MigrationInventory:Region", keys);
        Assert.Contains("Undo-Migration:ProfileName", keys);
        // No workspace default: it would outrank the WorkspacePath of piped objects (a check of another migration).
        Assert.DoesNotContain(keys, k => k.EndsWith(":WorkspacePath"));
        Assert.Contains("Invoke-MigrationWatch:EndpointUrl", keys);   // the module's functions too, not only its cmdlets
        // No key for a cmdlet without the parameter (it would not bind), none for the defaults' own cmdlets, no wildcard.
        Assert.DoesNotContain("Get-MigrationTargetKey:EndpointUrl", keys);
        Assert.DoesNotContain("New-MigrationCertificate:EndpointUrl", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("Set-MigrationDefault:") || k.Contains('*'));
        Assert.Contains(lines, l => l.StartsWith("DEFAULT=EndpointUrl=http://127.0.0.1:9000="));
        Assert.Contains(lines, l => l.StartsWith("DEFAULT=Region=eu-west-1="));
        Assert.Contains(lines, l => l.StartsWith("DEFAULT=ProfileName=media="));

        var left = lines.Where(l => l.StartsWith("LEFT=")).Select(l => l[5..]).OrderBy(k => k, StringComparer.Ordinal);
        Assert.Equal(new[] { "Copy-PersonFiles:Verbose", "Get-ChildItem:Force", "Get-S3Object:EndpointUrl" }, left);
        Assert.Contains("AFTER=0", lines);
    }

    [Fact]
    public void A_default_ProfileName_does_not_stand_in_the_way_of_an_explicit_Credential()
    {
        var bucket = OneFile("dcred");
        var run = PowerShellHost.Run("""
            Set-MigrationDefault -EndpointUrl $endpoint -ProfileName no-such-profile
            $cred = [pscredential]::new($key, [System.Net.NetworkCredential]::new('', $secret).SecurePassword)
            (Get-MigrationInventory -Bucket $bucket -Credential $cred).TargetKey
            try { Get-MigrationInventory -Bucket $bucket -ErrorAction Stop } catch { $_.FullyQualifiedErrorId.Split(',')[0] }
            """, new Dictionary<string, object?> { ["endpoint"] = _moto.EndpointUrl, ["bucket"] = bucket.Name, ["key"] = MotoServer.AccessKey, ["secret"] = MotoServer.SecretKey });
        Assert.Equal(new[] { "audio/101_Ada_Lovelace_talk.mp3", "ProfileNotFound" }, run.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Set_MigrationDefault_without_a_value_says_what_to_give()
    {
        var run = PowerShellHost.Run("Set-MigrationDefault");
        Assert.Equal("NoDefaultGiven", run.StoppingError?.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("-Clear", run.StoppingError!.Exception.Message);
    }

    [SkippableFact]
    public void AWS_ENDPOINT_URL_S3_serves_as_the_endpoint_even_by_a_host_name()
    {
        Skip.If(PwshProcess.Locate(out var whyNot) == null, whyNot);
        var bucket = OneFile("envep");
        // localhost, not 127.0.0.1: virtual-hosted addressing would ask for <bucket>.localhost, which does not resolve.
        using var pwsh = PwshProcess.Start($$"""
            Import-Module ./S3Migration.psd1 -ErrorAction Stop
            'KEY=' + (Get-MigrationInventory -Bucket {{bucket.Name}} -ErrorAction Stop).TargetKey
            $env:AWS_ENDPOINT_URL_S3 = '{{DeadEndpoint().Replace("127.0.0.1", "localhost")}}'
            try { Get-MigrationInventory -Bucket {{bucket.Name}} -ErrorAction Stop } catch { 'DEAD=' + $_.Exception.Message }
            """, new Dictionary<string, string> { ["AWS_ENDPOINT_URL_S3"] = $"http://localhost:{_moto.Port}", ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1" });
        Assert.True(pwsh.WaitForExit(TimeSpan.FromMinutes(2)), pwsh.Output);
        Assert.Contains("KEY=audio/101_Ada_Lovelace_talk.mp3", pwsh.Output);
        // The message names the endpoint the variable gave, not "S3 (region from the environment)".
        Assert.Contains("DEAD=Could not reach http://localhost:", pwsh.Output);
    }
}
