using System.Net;
using S3Migration.Reports;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// What a user reads when a command is given something wrong: each message says what is wrong in the user's own
/// terms and what to give instead. All of these fail before any S3 request, or against loopback servers started here.
/// </summary>
public class MessageTests
{
    private static readonly Dictionary<string, object?> Anonymous = new() { ["cred"] = new Amazon.Runtime.BasicAWSCredentials("testing", "testing") };

    private static string StoppingMessage(string script, Dictionary<string, object?>? variables = null)
    {
        var run = PowerShellHost.Run(script, variables ?? Anonymous);
        var error = run.StoppingError;
        Assert.NotNull(error);
        return error!.Exception.Message;
    }

    [Fact]
    public void An_unreachable_endpoint_says_why_in_a_sentence_of_its_own()
    {
        var port = MotoServer.FreePort(); // nothing listens there
        var message = StoppingMessage($"Get-MigrationInventory -Bucket media -EndpointUrl http://127.0.0.1:{port} -Credential $cred");
        Assert.StartsWith($"Could not reach http://127.0.0.1:{port}/: ", message);
        // The reason ends with its own full stop before the advice, not "Connection refused Check -EndpointUrl".
        Assert.Matches(@"[.!?] Check -EndpointUrl, -Region and the network\.$", message);
        Assert.DoesNotContain("http endpoint?", message);   // a refused connection is no TLS failure
    }

    [Fact]
    public void Https_against_an_http_port_asks_whether_it_is_an_http_endpoint()
    {
        var port = MotoServer.FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            try { while (true) { var c = await listener.GetContextAsync(); c.Response.StatusCode = 200; c.Response.Close(); } }
            catch (Exception) { } // stopped
        });
        var message = StoppingMessage($"Get-MigrationInventory -Bucket media -EndpointUrl https://127.0.0.1:{port} -Credential $cred");
        Assert.Contains("is this an http endpoint? Then use -EndpointUrl http://127.0.0.1:" + port + ".", message);
    }

    [Theory]
    [InlineData("Get-MigrationInventory -Bucket s3://media -EndpointUrl http://127.0.0.1:9 -Credential $cred", "Bucket", "such as media.")]
    [InlineData("Get-MigrationInventory -Bucket S3://media/people/ -EndpointUrl http://127.0.0.1:9 -Credential $cred", "Bucket", "such as media, and the folder 'people/' with -Prefix")]
    [InlineData("Backup-MigrationSource -SourceBucket media -BackupBucket s3://media-backup -WorkspacePath ./w -EndpointUrl http://127.0.0.1:9 -Credential $cred", "BackupBucket", "such as media-backup.")]
    public void A_bucket_given_as_an_s3_url_is_refused_with_the_name_to_give(string script, string parameter, string suggestion)
    {
        var run = PowerShellHost.Run(script, Anonymous);
        var error = run.StoppingError;
        Assert.NotNull(error);
        Assert.StartsWith("ParameterArgumentValidationError", error!.FullyQualifiedErrorId);
        Assert.Contains($"parameter '{parameter}'", error.Exception.Message);
        Assert.Contains("is an S3 URL, not a bucket name. Give the bucket name without s3://, " + suggestion, error.Exception.Message);
    }

    [Theory]
    [InlineData("Get-MigrationInventory -Bucket media -CsvPath $p -EndpointUrl http://127.0.0.1:9 -Credential $cred", "-CsvPath")]
    [InlineData("Backup-OutputCsv -Path $p", "-Path")]
    public void A_people_CSV_path_that_is_a_folder_is_called_a_folder(string script, string parameter)
    {
        using var dir = new TempDir();
        var folder = dir.File("output.csv");
        Directory.CreateDirectory(folder);
        var run = PowerShellHost.Run(script, new Dictionary<string, object?>(Anonymous) { ["p"] = folder });
        Assert.StartsWith("CsvPathIsFolder", run.StoppingError?.FullyQualifiedErrorId);
        var message = run.StoppingError!.Exception.Message;
        Assert.Contains($"The people CSV '{folder}' is a folder, not a file. Check {parameter}", message);
        Assert.DoesNotContain("does not exist", message);
    }

    [Fact]
    public void A_people_CSV_that_is_missing_still_does_not_exist()
    {
        using var dir = new TempDir();
        var run = PowerShellHost.Run("Backup-OutputCsv -Path $p", new Dictionary<string, object?> { ["p"] = dir.File("nope.csv") });
        Assert.StartsWith("CsvNotFound", run.StoppingError?.FullyQualifiedErrorId);
        Assert.Contains("does not exist. Check -Path.", run.StoppingError!.Exception.Message);
    }

    [Theory]
    [InlineData("[pscustomobject]@{ SourceBucket = 'media'; SourceKey = '1_A/a.mp3'; TargetKey = 'audio/1_A_a.mp3' } | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl http://127.0.0.1:9 -Credential $cred")]
    [InlineData("Get-MigrationInventory -Bucket media -WorkspacePath $ws -EndpointUrl http://127.0.0.1:9 -Credential $cred")]
    [InlineData("Test-MigrationIntegrity -WorkspacePath $ws")]
    [InlineData("Undo-Migration -WorkspacePath $ws -WhatIf")]
    public void A_workspace_path_that_is_a_file_is_called_a_file(string script)
    {
        using var dir = new TempDir();
        var file = dir.File("migration");
        File.WriteAllText(file, "not a folder");
        var run = PowerShellHost.Run(script, new Dictionary<string, object?>(Anonymous) { ["ws"] = file });
        Assert.NotNull(run.StoppingError);
        var message = run.StoppingError!.Exception.Message;
        Assert.Contains($"'{file}' is a file, not a folder. -WorkspacePath is the migration's workspace folder", message);
        Assert.DoesNotContain("another copy", message);
        Assert.Equal("not a folder", File.ReadAllText(file));   // and it is left as it was
    }

    [Fact]
    public void Copy_PersonFiles_without_any_item_says_how_to_give_them()
    {
        using var dir = new TempDir();
        var message = StoppingMessage("Copy-PersonFiles -WorkspacePath $ws -EndpointUrl http://127.0.0.1:9 -Credential $cred",
            new Dictionary<string, object?>(Anonymous) { ["ws"] = dir.Path });
        Assert.StartsWith("Nothing to copy: pipe in the items of Get-MigrationInventory, give them to -InputObject", message);
    }

    [Fact]
    public void Copy_PersonFiles_refuses_an_array_and_a_pipeline_at_once()
    {
        using var dir = new TempDir();
        var message = StoppingMessage("$rows | Copy-PersonFiles -InputObject $rows -WorkspacePath $ws -EndpointUrl http://127.0.0.1:9 -Credential $cred",
            new Dictionary<string, object?>(Anonymous) { ["ws"] = dir.Path, ["rows"] = new[] { new { SourceBucket = "media", SourceKey = "1_A/a.mp3", TargetKey = "audio/1_A_a.mp3" } } });
        Assert.Equal("Give the items to -InputObject or pipe them in, not both.", message);
    }

    [Fact]
    public void An_InputObject_element_without_a_bucket_or_with_an_s3_url_is_an_error_of_its_own()
    {
        using var dir = new TempDir();
        // Neither element reaches S3 (the endpoint is closed): each is refused while it is bound, and the run goes on.
        var run = PowerShellHost.Run("""
            $rows = @(
                [pscustomobject]@{ key = '1_A/a.mp3'; target_key = 'audio/1_A_a.mp3' },
                [pscustomobject]@{ SourceBucket = 's3://media'; key = '1_A/b.mp3'; target_key = 'audio/1_A_b.mp3' })
            Copy-PersonFiles -InputObject $rows -WorkspacePath $ws -EndpointUrl http://127.0.0.1:9 -Credential $cred
            """, new Dictionary<string, object?>(Anonymous) { ["ws"] = dir.Path });
        Assert.Null(run.Terminating);
        Assert.Empty(run.Output);
        Assert.Equal(2, run.Errors.Count);
        Assert.StartsWith("InputWithoutSourceBucket", run.Errors[0].FullyQualifiedErrorId);
        Assert.StartsWith("An input item has no SourceBucket", run.Errors[0].Exception.Message);
        Assert.StartsWith("InputObjectInvalid", run.Errors[1].FullyQualifiedErrorId);
        Assert.Contains("parameter 'SourceBucket'", run.Errors[1].Exception.Message);
        Assert.Contains("such as media.", run.Errors[1].Exception.Message);
    }

    [Theory]
    [InlineData(1, 1, 1, "1 file (100 bytes) migrated; 1 failure and 1 conflict unresolved")]
    [InlineData(2, 0, 2, "2 files (100 bytes) migrated; 0 failures and 2 conflicts unresolved")]
    public void The_certificate_counts_in_the_singular_for_one(int files, int failures, int conflicts, string expected)
    {
        var certificate = new MigrationCertificate { FilesMigrated = files, BytesMigrated = 100, FailuresUnresolved = failures, ConflictsUnresolved = conflicts };
        Assert.Equal(expected, certificate.ToString());
    }
}

/// <summary>
/// Counts read as English for one: a migration of ONE file, copied twice (the second run finds it in the journal) and
/// checked, with -Verbose, says "1 row", "1 object", "1 copy", never "1 rows", "1 objects", "1 copies".
/// </summary>
[Collection(S3Collection.Name)]
public class SingularMessageTests
{
    private readonly MotoServer _moto;
    private readonly Amazon.S3.IAmazonS3 _s3;
    public SingularMessageTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private static readonly System.Text.RegularExpressions.Regex OneWithPlural =
        // A rate is a unit, not a count ("1 objects/s", as "1 KB/s"): "/" after the noun leaves it out.
        new(@"(?<![\d,.])1 (S3 |list )?(files|objects|rows|conflicts|failures|requests|retries|items|copies|URLs|persons|bytes)\b(?!/)");

    [Fact]
    public void A_copy_of_one_file_says_its_counts_in_the_singular()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("one"));
        b.Put("7_Ada/talk.mp3", "one file only");
        var lines = new List<string>();
        for (var pass = 0; pass < 2; pass++)   // the second run reads the first one's journal row
        {
            var run = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws -Verbose | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -Verbose",
                ("bucket", b.Name), ("ws", dir.Path));
            Assert.Null(run.Terminating);
            Assert.Single(run.Objects<MigrationResult>(), r => r.Status is MigrationResultStatus.Verified or MigrationResultStatus.Skipped);
            lines.AddRange(run.Verbose);
            lines.AddRange(run.Progress.Select(p => p.StatusDescription));
        }
        var check = CopyRun.Pipe(_moto, "Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -Verbose -ReportPath $report",
            ("ws", dir.Path), ("report", dir.File("check.csv")));
        Assert.Null(check.Terminating);
        lines.AddRange(check.Verbose);
        lines.AddRange(check.Progress.Select(p => p.StatusDescription));
        Assert.Contains(lines, l => l.Contains("1 row from earlier runs, 1 object verified"));
        Assert.Contains(lines, l => l.StartsWith("Checking 1 copy recorded in "));
        var plural = lines.Where(l => OneWithPlural.IsMatch(l)).ToList();
        Assert.True(plural.Count == 0, "a count of one with a plural noun: " + string.Join(" | ", plural));
    }
}
