using Amazon.S3;
using S3Migration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace S3Migration.Tests.Integration.S3;

/// <summary>
/// What the backup and the cleanup cost in S3 requests (billed per request, and the limit on a real bucket), counted at a
/// loopback proxy for 200 small objects in 10 folders. docs/BENCHMARKS.md quotes the figures this prints.
/// </summary>
[Collection(S3Collection.Name)]
public class CleanupRequestCountTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    private readonly ITestOutputHelper _out;
    public CleanupRequestCountTests(MotoServer moto, ITestOutputHelper output) { _moto = moto; _s3 = moto.CreateClient(); _out = output; }

    [Fact]
    public void Backup_takes_about_three_requests_an_object_a_rerun_one_and_removal_three_with_one_DeleteObjects_per_1000()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("reqs"));
        var bak = new TestBucket(_s3, TestBucket.UniqueName("reqs-bak"));
        for (var p = 0; p < 10; p++) for (var f = 0; f < 20; f++) b.Put($"{p}_P{p}/f{f}.mp3", new string('x', 1000));

        LoopbackProxy Count(string script)
        {
            var proxy = new LoopbackProxy(_moto.EndpointUrl);
            var r = CopyRun.Pipe(_moto, script, ("bucket", b.Name), ("backup", bak.Name), ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
            Assert.Null(r.Terminating);
            Assert.Empty(r.Errors);
            _out.WriteLine($"{script.Split(' ')[0]}: {proxy.Requests} requests for 200 objects: " + string.Join(", ", proxy.ByKind.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}")));
            return proxy;
        }

        using var backup = Count("Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backup -WorkspacePath $ws -EndpointUrl $proxy | Out-Null");
        Assert.Equal(200, backup.ByKind.GetValueOrDefault("PUT copy"));
        Assert.InRange(backup.Requests, 600, 3 * 200 + 20); // source HEAD, copy, backup HEAD; listings per folder
        using var again = Count("Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backup -WorkspacePath $ws -EndpointUrl $proxy | Out-Null");
        Assert.Equal(0, again.ByKind.GetValueOrDefault("PUT copy"));
        Assert.InRange(again.Requests, 200, 200 + 20); // the source HEAD that proves it unchanged, listings

        CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint | Out-Null", ("bucket", b.Name), ("ws", dir.Path));
        // No people CSV in this workspace: the count is of S3 requests, and reading a CSV makes none.
        using var remove = Count("Remove-MigrationSource -WorkspacePath $ws -Force -Confirm:$false -SkipCsvCheck -EndpointUrl $proxy -WarningAction SilentlyContinue | Out-Null");
        Assert.Equal(1, remove.ByKind.GetValueOrDefault("POST delete")); // one DeleteObjects for all 200
        Assert.Equal(200, remove.ByKind.GetValueOrDefault("GET tagging")); // the destination's tags, compared with the ones the copy set
        Assert.InRange(remove.Requests, 600, 3 * 200 + 40); // source and destination HEADs, destination tags; backup, versioning and after-listings
    }
}
