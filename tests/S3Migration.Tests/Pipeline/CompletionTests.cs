using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// Tab completion as the operator meets it: TabExpansion2 in the PowerShell engine, after Import-Module S3Migration.psd1,
/// offers regions, profiles, buckets, workspace folders and file types.
/// </summary>
[Collection(S3Collection.Name)]
public class CompletionTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public CompletionTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    /// <summary>The completion texts TabExpansion2 offers at the end of <paramref name="line"/>, after <paramref name="setup"/>.</summary>
    private static List<string> Complete(string line, string setup = "")
    {
        var run = PowerShellHost.Run(setup + "\n(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText",
            new Dictionary<string, object?> { ["line"] = line });
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        return run.Output.Select(o => o.ToString()).ToList();
    }

    [Fact]
    public void Region_completes_from_the_SDKs_region_list_on_every_cmdlet_that_takes_it()
    {
        var run = PowerShellHost.Run("""
            foreach ($c in Get-Command -Module S3Migration | Where-Object { $_.Parameters.ContainsKey('Region') }) {
                $line = "$($c.Name) -Region eu-w"
                $c.Name + '=' + ((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText -join ',')
            }
            """);
        Assert.Null(run.Terminating);
        var lines = run.Output.Select(o => o.ToString()).ToList();
        Assert.True(lines.Count >= 10, string.Join("\n", lines));   // the S3 cmdlets and Set-MigrationDefault
        Assert.All(lines, l => Assert.EndsWith("=eu-west-1,eu-west-2,eu-west-3", l));
        Assert.Contains(lines, l => l.StartsWith("Set-MigrationDefault="));
    }

    [SkippableFact]
    public void ProfileName_completes_from_the_shared_credentials_and_config_files_the_environment_names()
    {
        Skip.If(PwshProcess.Locate(out var whyNot) == null, whyNot);
        using var dir = new TempDir();
        File.WriteAllText(dir.File("credentials"), "[alpha]\naws_access_key_id=AKIDEXAMPLE\naws_secret_access_key=x\n\n[beta team]\naws_access_key_id=AKIDEXAMPLE\naws_secret_access_key=x\n");
        File.WriteAllText(dir.File("config"), "[profile gamma]\nregion = eu-west-1\naws_access_key_id=AKIDEXAMPLE\naws_secret_access_key=x\n");
        // A process of its own: the two variables are process-wide, and other tests of this run read profiles too.
        using var pwsh = PwshProcess.Start("""
            Import-Module ./S3Migration.psd1 -ErrorAction Stop
            function C($line) { (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText -join ',' }
            'ALL=' + (C 'Copy-PersonFiles -ProfileName ')
            'B=' + (C 'Get-MigrationInventory -ProfileName b')
            """, new Dictionary<string, string> { ["AWS_SHARED_CREDENTIALS_FILE"] = dir.File("credentials"), ["AWS_CONFIG_FILE"] = dir.File("config") });
        Assert.True(pwsh.WaitForExit(TimeSpan.FromMinutes(2)), pwsh.Output);
        Assert.Contains("ALL=alpha,'beta team',gamma", pwsh.Output);
        Assert.Contains("B='beta team'" + Environment.NewLine, pwsh.Output);
    }

    [Fact]
    public void Bucket_parameters_complete_with_the_buckets_of_the_endpoint_on_the_command_line()
    {
        var stem = "cmpl" + Guid.NewGuid().ToString("N")[..6];
        var first = new TestBucket(_s3, stem + "-media").Name;
        var second = new TestBucket(_s3, stem + "-backup").Name;
        var expected = new[] { second, first }.OrderBy(n => n, StringComparer.Ordinal).ToList();

        Assert.Equal(expected, Complete($"Get-MigrationInventory -EndpointUrl {_moto.EndpointUrl} -Bucket {stem}"));
        Assert.Equal(new[] { second }, Complete($"Backup-MigrationSource -EndpointUrl {_moto.EndpointUrl} -SourceBucket {first} -BackupBucket {stem}-b"));
        // The session's default endpoint serves when the line has none.
        Assert.Equal(expected, Complete($"Copy-PersonFiles -DestinationBucket {stem}", $"Set-MigrationDefault -EndpointUrl {_moto.EndpointUrl}"));
        // And so does a default set by hand, by a wildcard key, as PowerShell itself would apply it.
        Assert.Equal(expected, Complete($"Test-MigrationIntegrity -SourceBucket {stem}", $"$PSDefaultParameterValues['*:EndpointUrl'] = '{_moto.EndpointUrl}'"));
        // A connection that cannot be made (a profile that does not exist) offers nothing, and says nothing.
        Assert.Empty(Complete($"Get-MigrationInventory -EndpointUrl {_moto.EndpointUrl} -ProfileName no-such-profile -Bucket {stem}"));
    }

    [Fact]
    public void Bucket_completion_gives_up_quietly_and_quickly_on_an_endpoint_that_never_answers()
    {
        // A port that accepts connections and never says a word: the worst case for a prompt.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var clock = Stopwatch.StartNew();
            var offered = Complete($"Get-MigrationInventory -EndpointUrl http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port} -Bucket ");
            Assert.Empty(offered);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");   // the listing's patience is 2 s; the rest is the engine starting
            Assert.Empty(Complete("Get-MigrationInventory -EndpointUrl not-a-url -Bucket "));
        }
        finally { silent.Stop(); }
    }

    [SkippableFact]
    public void WorkspacePath_completes_folders_and_never_files()
    {
        // In pwsh: PowerShell's path completion, which this filters, needs the Management module the hosted engine lacks.
        Skip.If(PwshProcess.Locate(out var whyNot) == null, whyNot);
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("migration"));
        Directory.CreateDirectory(dir.File("mig old"));
        File.WriteAllText(dir.File("migration.txt"), "a file");
        using var pwsh = PwshProcess.Start($$"""
            Import-Module ./S3Migration.psd1 -ErrorAction Stop
            $line = "Undo-Migration -WorkspacePath {{Path.Combine(dir.Path, "mig")}}"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object { 'OFFER=' + $_.CompletionText }
            Set-Location '{{dir.Path}}'
            $line = "Copy-PersonFiles -WorkspacePath mig"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object { 'RELATIVE=' + $_.CompletionText }
            """);
        Assert.True(pwsh.WaitForExit(TimeSpan.FromMinutes(2)), pwsh.Output);
        var lines = pwsh.Output.Split(Environment.NewLine);
        var offered = lines.Where(l => l.StartsWith("OFFER=")).Select(l => l[6..]).OrderBy(o => o.Trim('\''), StringComparer.Ordinal);
        Assert.Equal(new[] { $"'{dir.File("mig old")}'", dir.File("migration") }, offered);
        var relative = lines.Where(l => l.StartsWith("RELATIVE=")).Select(l => l[9..]).OrderBy(o => o.Trim('\''), StringComparer.Ordinal).ToList();
        Assert.Equal(2, relative.Count);
        Assert.DoesNotContain(relative.Concat(offered), o => o.Contains("migration.txt"));
    }

    [Fact]
    public void FileType_completes_with_the_naming_rules_type_folders()
    {
        Assert.Equal(new[] { "_unknown", "audio", "documents", "images", "transcripts", "video" }, Complete("Copy-PersonFiles -FileType "));
        Assert.Equal(new[] { "transcripts" }, Complete("Test-MigrationIntegrity -FileType tr"));
        // An operator's own folders, from a -FileTypeMap literal on the same line.
        Assert.Equal(new[] { "lossless" }, Complete("Test-MigrationIntegrity -FileTypeMap @{ '.flac' = 'lossless' } -FileType lo"));
    }
}
