using System.Management.Automation;
using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>Copy-PersonFiles as operators pipe it: binding, filtering, progress, verbose, views, parameters.</summary>
[Collection(S3Collection.Name)]
public class CopyPipelineTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public CopyPipelineTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    [Fact]
    public void Inventory_pipes_into_copy_and_failures_filter_with_where_object()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("pipe"));
        b.Put("1_Ann/a.mp3", "a"); b.Put("1_Ann/b.pdf", "b"); b.Put("2_Bo/c.mp4", "c", storageClass: "DEEP_ARCHIVE");
        var run = CopyRun.Pipe(_moto, """
            $results = Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint |
                Where-Object FileType -ne '_unknown' |
                Copy-PersonFiles -DestinationBucket $bucket -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction SilentlyContinue
            'failed=' + (($results | Where-Object Status -eq 'Failed' | ForEach-Object SourceKey) -join ',')
            'verified=' + @($results | Where-Object Status -eq 'Verified').Count
            """, ("bucket", b.Name), ("ws", dir.Path));
        Assert.Null(run.Terminating);
        Assert.Equal(new[] { "failed=2_Bo/c.mp4", "verified=2" }, run.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void A_hand_made_object_with_the_right_properties_is_copied()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("handmade"));
        b.Put("loose/upload.mp3", "x");
        var run = CopyRun.Pipe(_moto, """
            [pscustomobject]@{ SourceBucket = $bucket; SourceKey = 'loose/upload.mp3'; TargetKey = 'audio/9_Manual_upload.mp3'; RowId = '9'; PersonName = 'Manual'; FileType = 'audio' } |
                Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint
            """, ("bucket", b.Name), ("ws", dir.Path));
        var r = Assert.Single(run.Objects<MigrationResult>());
        Assert.Equal((MigrationResultStatus.Verified, b.Name), (r.Status, r.TargetBucket));
        Assert.True(CopyRun.Exists(_s3, b.Name, "audio/9_Manual_upload.mp3"));
    }

    [Fact]
    public void Progress_shows_counts_bytes_rate_and_verbose_says_when_each_person_is_done()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("progress"));
        for (var p = 1; p <= 3; p++) for (var f = 0; f < 20; f++) b.Put($"{p}_P{p}/f{f}.mp3", new string('x', 1000));
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, delayMs: 5);
        var run = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $proxy -ThrottleLimit 2 -Verbose",
            ("bucket", b.Name), ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
        Assert.Null(run.Terminating);
        var progress = run.Progress.Where(p => p.RecordType == ProgressRecordType.Processing).ToList();
        Assert.NotEmpty(progress);
        // Streamed from an inventory that writes no workspace: no total is known, so a count without a percentage (ProgressTotalTests).
        Assert.Contains(progress, p => p.StatusDescription.Contains("objects/s") && p.StatusDescription.Contains(" copied (") && p.PercentComplete == -1);
        Assert.Contains(run.Progress, p => p.RecordType == ProgressRecordType.Completed);
        foreach (var person in new[] { "1 P1", "2 P2", "3 P3" })
            Assert.Contains(run.Verbose, v => v == $"Person {person} done: 20 verified, 0 failed, 0 conflicts.");
        Assert.Contains(run.Verbose, v => v.StartsWith("Done: 60 verified"));
    }

    [Fact]
    public void The_workspace_is_mandatory_and_kms_key_needs_kms()
    {
        var noWorkspace = CopyRun.Pipe(_moto, "Get-Command Copy-PersonFiles | ForEach-Object { $_.Parameters['WorkspacePath'].Attributes.Mandatory }");
        Assert.True((bool)Assert.Single(noWorkspace.Output).BaseObject);
        var kms = CopyRun.Pipe(_moto, "[pscustomobject]@{ SourceBucket = 'b'; SourceKey = 'k'; TargetKey = 'audio/x' } | Copy-PersonFiles -WorkspacePath $ws -KmsKeyId abc -EndpointUrl $endpoint",
            ("ws", Path.GetTempPath()));
        Assert.StartsWith("KmsKeyWithoutKms", kms.StoppingError?.FullyQualifiedErrorId);
    }

    [Fact]
    public void A_missing_destination_bucket_stops_the_copy_with_a_clear_error()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("nodest"));
        b.Put("1_Ann/a.mp3", "a");
        var run = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | ForEach-Object { $_.TargetBucket = 'no-such-destination-x'; $_ } | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint",
            ("bucket", b.Name), ("ws", dir.Path));
        var error = Assert.IsType<ErrorRecord>(run.StoppingError);
        Assert.StartsWith("BucketNotFound", error.FullyQualifiedErrorId);
        Assert.Contains("no-such-destination-x", error.Exception.Message);
        Assert.Equal("failed", CopyRun.Summary(dir.Path).GetProperty("state").GetString());
    }

    [Fact]
    public void A_missing_source_bucket_stops_the_copy_instead_of_failing_each_item()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("nosrc"));
        b.Put("1_Ann/a.mp3", "a");
        var run = CopyRun.Pipe(_moto, """
            $missing = 'no-such-source-bucket-x'
            @(
                [pscustomobject]@{ SourceBucket = $missing; SourceKey = '1_Ann/a.mp3'; TargetKey = 'audio/1_Ann_a.mp3'; RowId = '1'; PersonName = 'Ann'; FileType = 'audio' }
                [pscustomobject]@{ SourceBucket = $missing; SourceKey = '1_Ann/b.mp3'; TargetKey = 'audio/1_Ann_b.mp3'; RowId = '1'; PersonName = 'Ann'; FileType = 'audio' }
            ) | Copy-PersonFiles -DestinationBucket $bucket -WorkspacePath $ws -EndpointUrl $endpoint
            """, ("bucket", b.Name), ("ws", dir.Path));
        var error = Assert.IsType<ErrorRecord>(run.StoppingError);
        Assert.StartsWith("BucketNotFound", error.FullyQualifiedErrorId);
        Assert.Contains("no-such-source-bucket-x", error.Exception.Message);
        Assert.DoesNotContain(run.Errors, e => e.FullyQualifiedErrorId.StartsWith("CopyFailed"));
        Assert.Equal("failed", CopyRun.Summary(dir.Path).GetProperty("state").GetString());

        // A missing key in a bucket that exists still fails only that item.
        using var dir2 = new TempDir();
        var one = CopyRun.Pipe(_moto, """
            [pscustomobject]@{ SourceBucket = $bucket; SourceKey = '1_Ann/gone.mp3'; TargetKey = 'audio/1_Ann_gone.mp3' } |
                Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint
            """, ("bucket", b.Name), ("ws", dir2.Path));
        Assert.Null(one.Terminating);
        var r = Assert.Single(one.Objects<MigrationResult>());
        Assert.Equal(MigrationResultStatus.Failed, r.Status);
        Assert.Contains("no longer exists", r.Notes);
        Assert.StartsWith("CopyFailed", Assert.Single(one.Errors).FullyQualifiedErrorId);
    }
}
