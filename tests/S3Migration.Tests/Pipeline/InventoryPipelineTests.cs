using System.Management.Automation;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>Get-MigrationInventory and Get-MigrationTargetKey run as an operator runs them, in the PowerShell engine.</summary>
[Collection(S3Collection.Name)]
public class InventoryPipelineTests
{
    private readonly MotoServer _moto;
    private readonly SeededBucket _bucket;
    public InventoryPipelineTests(MotoServer moto) { _moto = moto; _bucket = SeededBucket.For(moto); }

    private PipelineRun Run(string script, params (string Name, object? Value)[] vars)
    {
        var all = new Dictionary<string, object?> { ["endpoint"] = _moto.EndpointUrl, ["bucket"] = _bucket.Name };
        foreach (var (n, v) in vars) all[n] = v;
        return PowerShellHost.Run(script, all);
    }

    [Fact]
    public void Inventory_pipes_into_where_object_by_file_type()
    {
        var run = Run("Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Where-Object FileType -eq 'audio'");
        Assert.Null(run.Terminating);
        var items = run.Objects<MigrationItem>().ToList();
        var expected = _bucket.Md5ByKey.Keys.Count(k => k.Contains('/') && !k.StartsWith("misc/") && !k.EndsWith('/')
                                                         && (k.EndsWith(".mp3", StringComparison.OrdinalIgnoreCase) || k.EndsWith(".m4a", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(expected, items.Count);
        Assert.All(items, i => Assert.StartsWith("audio/", i.TargetKey));
    }

    [Fact]
    public void Status_filters_and_counts_read_naturally()
    {
        var run = Run("""
            $all = Get-MigrationInventory $bucket -EndpointUrl $endpoint -CsvPath $csv
            ($all | Where-Object Status -eq 'Orphan').Count
            ($all | Where-Object Status -eq 'Conflict' | ForEach-Object SourceKey) -join '|'
            """, ("csv", _bucket.WriteCsv(new TempDir())));
        Assert.Null(run.Terminating);
        Assert.Equal("4", run.Output[0].ToString()); // readme.txt, misc/notes.txt, the folder marker, 104's file
        Assert.Equal($"{SeededBucket.Alan}/my song.mp3|{SeededBucket.Alan}/my+song.mp3", run.Output[1].ToString());
    }

    [Fact]
    public void A_missing_bucket_stops_with_error_action_stop_and_says_what_to_fix()
    {
        var run = Run("""
            try { Get-MigrationInventory -Bucket 'no-such-bucket-x1' -EndpointUrl $endpoint -ErrorAction Stop; 'not reached' }
            catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category.ToString(); $_.TargetObject; $_.Exception.Message }
            """);
        var lines = run.Output.Select(o => o.ToString()).ToList();
        Assert.Equal(4, lines.Count);
        Assert.StartsWith("BucketNotFound,", lines[0]);
        Assert.Equal(("ObjectNotFound", "no-such-bucket-x1"), (lines[1], lines[2]));
        Assert.Contains("-EndpointUrl", lines[3]);

        // A scheduled task that sets $ErrorActionPreference = 'Stop' ends at the error instead of going on.
        var strict = Run("$ErrorActionPreference = 'Stop'; Get-MigrationInventory -Bucket 'no-such-bucket-x1' -EndpointUrl $endpoint; 'not reached'");
        Assert.NotNull(strict.Terminating);
        Assert.Empty(strict.Output);
    }

    [Theory]
    [InlineData("-EndpointUrl $endpoint -ProfileName no-such-profile-here", "ProfileNotFound")]
    [InlineData("-EndpointUrl $endpoint -PersonPattern '^(\\d+)_(.+)$'", "InvalidNamingParameter")]
    [InlineData("-EndpointUrl $endpoint -FileTypeMap @{ '.flac' = 'a/b' }", "InvalidNamingParameter")]
    [InlineData("-EndpointUrl $endpoint -ThrottleLimit 0", "ParameterArgumentValidationError")]
    [InlineData("-EndpointUrl 'not a url'", "InvalidEndpointUrl")]
    public void Bad_parameters_are_terminating_errors_that_name_the_fix(string args, string errorId)
    {
        var run = Run($"Get-MigrationInventory -Bucket $bucket {args}");
        var error = Assert.IsType<ErrorRecord>(run.StoppingError);
        Assert.StartsWith(errorId, error.FullyQualifiedErrorId);
        Assert.Empty(run.Output);
    }

    [Fact]
    public void A_malformed_csv_names_the_line_and_writes_nothing()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("output.csv"), "row_id,name\n101,Ada\n102,Alan,extra\n");
        var ws = Path.Combine(dir.Path, "ws");
        var run = Run("Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -CsvPath $csv -WorkspacePath $ws",
            ("csv", dir.File("output.csv")), ("ws", ws));
        var error = Assert.IsType<ErrorRecord>(run.StoppingError);
        Assert.StartsWith("CsvMalformed", error.FullyQualifiedErrorId);
        Assert.Contains("line 3", error.Exception.Message);
        Assert.False(Directory.Exists(ws));
    }

    [Fact]
    public void An_unreachable_endpoint_is_a_connection_error()
    {
        var run = Run("Get-MigrationInventory -Bucket $bucket -EndpointUrl $dead", ("dead", $"http://127.0.0.1:{MotoServer.FreePort()}"));
        var error = Assert.IsType<ErrorRecord>(run.StoppingError);
        Assert.StartsWith("EndpointUnreachable", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
    }

    [Fact]
    public void Progress_and_verbose_tell_what_is_happening()
    {
        var run = Run("Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -Verbose | ForEach-Object { Start-Sleep -Milliseconds 0 }");
        Assert.Contains(run.Progress, p => p.StatusDescription.Contains("objects listed") && p.StatusDescription.Contains("objects/s"));
        Assert.Contains(run.Progress, p => p.RecordType == ProgressRecordType.Completed);
        Assert.Contains(run.Verbose, v => v.StartsWith("Inventory done:"));
    }

    [Fact]
    public void Explicit_credentials_work_in_their_own_parameter_set()
    {
        var run = Run("Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -Credential ([Amazon.Runtime.BasicAWSCredentials]::new('testing', 'testing')) | Where-Object PersonDirectory -eq '102_Alan Turing'");
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        Assert.Equal(4, run.Objects<MigrationItem>().Count());
    }

    [Fact]
    public void Target_keys_for_the_upload_path_bind_by_property_name()
    {
        var run = Run("""
            @(
                [pscustomobject]@{ RowId = '472'; PersonName = 'Kaioxys_DarkMacro'; FileName = 'youtube_69XL3TrD6mE.mp3' }
                [pscustomobject]@{ RowId = 'abc'; PersonName = 'Bad'; FileName = 'x.mp3' }
                [pscustomobject]@{ RowId = '9'; PersonName = 'Zoë Q'; FileName = 'Talk #2.PDF' }
            ) | Get-MigrationTargetKey
            """);
        Assert.Null(run.Terminating);
        var keys = run.Objects<MigrationTarget>().ToList();
        Assert.Equal(new[] { "audio/472_Kaioxys_DarkMacro_youtube_69XL3TrD6mE.mp3", "documents/9_Zoë_Q_Talk_2.PDF" }, keys.Select(k => k.TargetKey));
        var error = Assert.Single(run.Errors);
        Assert.StartsWith("InvalidRowId", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void The_upload_path_and_the_inventory_agree()
    {
        var run = Run("""
            Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint |
                Where-Object { $_.Status -eq 'Planned' -and $_.PersonDirectory -ne '103_Grace_Hopper' } |
                ForEach-Object { $_.TargetKey -eq (Get-MigrationTargetKey -RowId $_.RowId -Name $_.PersonName -FileName $_.SourceKey.Substring($_.PersonDirectory.Length + 1)).TargetKey }
            """);
        Assert.Null(run.Terminating);
        Assert.NotEmpty(run.Output);
        Assert.All(run.Output, o => Assert.True((bool)o.BaseObject));
    }
}

/// <summary>Changes process-wide AWS variables, so it runs in the S3 collection, one test at a time.</summary>
[Collection(S3Collection.Name)]
public class MissingCredentialsTests
{
    private readonly MotoServer _moto;
    public MissingCredentialsTests(MotoServer moto) => _moto = moto;

    [Fact]
    public void No_credentials_anywhere_is_a_terminating_error_that_says_where_to_put_them()
    {
        using var dir = new TempDir();
        var names = new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI" };
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var n in names) Environment.SetEnvironmentVariable(n, null);
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", dir.File("no-credentials"));
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", dir.File("no-config"));
            var run = PowerShellHost.Run("Get-MigrationInventory -Bucket some-bucket -EndpointUrl $endpoint", new Dictionary<string, object?> { ["endpoint"] = _moto.EndpointUrl });
            var error = Assert.IsType<ErrorRecord>(run.StoppingError);
            Assert.StartsWith("NoCredentials", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
            Assert.Contains("-ProfileName", error.Exception.Message);
        }
        finally
        {
            foreach (var (n, v) in saved) Environment.SetEnvironmentVariable(n, v);
        }
    }
}
