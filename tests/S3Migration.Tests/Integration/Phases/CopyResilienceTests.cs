using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>Faults and crashes: the copy ends with everything verified once, and the journal stays readable.</summary>
[Collection(S3Collection.Name)]
public class CopyResilienceTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public CopyResilienceTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private TestBucket Seed(string stem, int people, int filesEach)
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName(stem));
        var keys = Enumerable.Range(1, people).SelectMany(p => Enumerable.Range(0, filesEach).Select(f => $"{p}_P{p}/file{f}.{(f % 3 == 0 ? "mp3" : f % 3 == 1 ? "pdf" : "jpg")}")).ToList();
        Parallel.ForEach(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k => b.Put(k, "content of " + k));
        return b;
    }

    /// <summary>Every planned object's destination holds its source's bytes (compared by ETag, which moto computes as MD5).</summary>
    private void AssertDestinationsMatchSources(string bucket, IEnumerable<MigrationItem> planned)
    {
        foreach (var i in planned)
        {
            var src = CopyRun.Head(_s3, bucket, i.SourceKey);
            var dst = CopyRun.Head(_s3, bucket, i.TargetKey);
            Assert.Equal(src.ETag, dst.ETag);
        }
    }

    [Fact]
    public void Throttling_and_dropped_connections_are_retried_until_everything_is_verified()
    {
        using var dir = new TempDir();
        var b = Seed("faults", people: 6, filesEach: 10);
        var items = PowerShellHost.Run("Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint", new Dictionary<string, object?> { ["bucket"] = b.Name, ["endpoint"] = _moto.EndpointUrl })
            .Objects<MigrationItem>().ToList();
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, slowDownShare: 0.15, dropShare: 0.05, seed: 42);
        var run = CopyRun.Pipe(_moto, "$items | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $proxy -MaxRetries 10 -ThrottleLimit 8",
            ("items", items), ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var results = run.Objects<MigrationResult>().ToList();
        Assert.Equal(60, results.Count);
        Assert.All(results, r => Assert.Equal(MigrationResultStatus.Verified, r.Status));
        Assert.True(proxy.SlowDowns > 0 && proxy.Drops > 0, $"the proxy injected {proxy.SlowDowns} 503s and {proxy.Drops} drops");
        // Every injected fault cost exactly one retry; the summary counts them all (the destination listings' too),
        // the results count those of their own requests.
        var faults = proxy.SlowDowns + proxy.Drops;
        Assert.Equal(faults, CopyRun.Summary(dir.Path).GetProperty("retries").GetInt32());
        Assert.InRange(results.Sum(r => r.Retries), 1, faults);
        Assert.Contains(results, r => r.Retries > 0);
        AssertDestinationsMatchSources(b.Name, items);
    }

    [Fact]
    public void A_run_stopped_part_way_is_finished_by_running_it_again_with_each_object_verified_once()
    {
        using var dir = new TempDir();
        var b = Seed("resume", people: 20, filesEach: 10);
        var items = PowerShellHost.Run("Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint", new Dictionary<string, object?> { ["bucket"] = b.Name, ["endpoint"] = _moto.EndpointUrl })
            .Objects<MigrationItem>().ToList();
        Assert.Equal(200, items.Count);

        // First run, slowed by the proxy, stopped (Ctrl+C) once some copies are journaled.
        using (var proxy = new LoopbackProxy(_moto.EndpointUrl, delayMs: 15))
            CopyRun.StopOnceJournaled(items, dir.Path, proxy.EndpointUrl, 4, 40);
        var firstRows = CopyRun.Journal(dir.Path);
        Assert.InRange(firstRows.Count, 40, 199);
        Assert.Equal("cancelled", CopyRun.Summary(dir.Path).GetProperty("state").GetString());

        // Second run: the same command.
        var second = CopyRun.Pipe(_moto, "$items | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint", ("items", items), ("ws", dir.Path));
        Assert.Null(second.Terminating);
        Assert.Empty(second.Errors);
        var results = second.Objects<MigrationResult>().ToList();
        Assert.Equal(200, results.Count);
        Assert.All(results, r => Assert.Contains(r.Status, new[] { MigrationResultStatus.Verified, MigrationResultStatus.Skipped }));

        var rows = CopyRun.Journal(dir.Path);
        var verifiedPerObject = rows.Where(r => r.VerificationStatus == JournalRow.Verified).GroupBy(r => r.OldPath).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(200, verifiedPerObject.Count);
        Assert.All(verifiedPerObject, kv => Assert.Equal(1, kv.Value));
        Assert.DoesNotContain(rows, r => r.VerificationStatus != JournalRow.Verified);
        Assert.Equal("completed", CopyRun.Summary(dir.Path).GetProperty("state").GetString());
        AssertDestinationsMatchSources(b.Name, items);
    }

    [Fact]
    public void A_source_changed_after_its_copy_is_never_skipped_as_verified_by_a_rerun()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("changed-later"));
        b.Put("1_Ann/a.mp3", "version one");
        var first = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint",
            ("bucket", b.Name), ("ws", dir.Path));
        Assert.Equal(MigrationResultStatus.Verified, Assert.Single(first.Objects<MigrationResult>()).Status);
        b.Put("1_Ann/a.mp3", "version two!");

        // The same command again: the fresh inventory sees a destination that no longer matches its source.
        var again = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws | Where-Object SourceKey -eq '1_Ann/a.mp3' | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint",
            ("bucket", b.Name), ("ws", dir.Path));
        var r = Assert.Single(again.Objects<MigrationResult>());
        Assert.NotEqual(MigrationResultStatus.Skipped, r.Status);
        Assert.NotEqual(MigrationResultStatus.Verified, r.Status);
        // A saved plan from before the change is refused too.
        var stale = new[] { new MigrationItem { SourceBucket = b.Name, SourceKey = "1_Ann/a.mp3", TargetBucket = b.Name, TargetKey = "audio/1_Ann_a.mp3", Status = MigrationItemStatus.Planned, RowId = "1", PersonName = "Ann", FileType = "audio", Size = 11, ETag = TestBucket.Md5("version one"u8.ToArray()) } };
        var replay = Assert.Single(CopyRun.Pipe(_moto, "$items | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction SilentlyContinue", ("items", stale), ("ws", dir.Path)).Objects<MigrationResult>());
        Assert.Equal(MigrationResultStatus.Failed, replay.Status);
        Assert.Contains("changed since the inventory", replay.Notes);
        // And the journal no longer vouches for the old copy.
        var rows = CopyRun.Journal(dir.Path);
        Assert.Equal("failed", rows.Last().VerificationStatus);
    }

    [Fact]
    public void A_whole_run_error_stops_every_copy_before_the_journal_closes()
    {
        using var dir = new TempDir();
        var b = Seed("stop-all", people: 4, filesEach: 10);
        var items = PowerShellHost.Run("Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint", new Dictionary<string, object?> { ["bucket"] = b.Name, ["endpoint"] = _moto.EndpointUrl })
            .Objects<MigrationItem>().ToList();
        items[25].TargetBucket = "no-such-bucket-for-item-25";
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, delayMs: 10);
        var run = CopyRun.Pipe(_moto, "$items | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $proxy -ThrottleLimit 4", ("items", items), ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
        Assert.StartsWith("BucketNotFound", run.StoppingError?.FullyQualifiedErrorId);
        var atReturn = Copied(b.Name);
        Thread.Sleep(1500);
        Assert.Equal(atReturn, Copied(b.Name)); // nothing was still copying after the cmdlet returned
        var journaled = CopyRun.Journal(dir.Path).Where(r => r.VerificationStatus == "verified").Select(r => ExpectedCopyKey(r.NewPath)).ToList();
        Assert.Subset(atReturn.ToHashSet(), journaled.ToHashSet());
        // A copy cancelled in flight may have completed on the server without a row; it is a true copy, and a re-run journals it.
        foreach (var key in atReturn)
        {
            var item = items.Single(i => i.TargetKey == key);
            Assert.Equal(CopyRun.Head(_s3, b.Name, item.SourceKey).ETag, CopyRun.Head(_s3, b.Name, key).ETag);
        }
        Assert.Equal("failed", CopyRun.Summary(dir.Path).GetProperty("state").GetString());
    }

    private List<string> Copied(string bucket)
    {
        var copied = new List<string>();
        foreach (var folder in new[] { "audio/", "documents/", "images/" })
            copied.AddRange(_s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket, Prefix = folder }).GetAwaiter().GetResult().S3Objects?.Select(o => o.Key) ?? Enumerable.Empty<string>());
        return copied.OrderBy(k => k, StringComparer.Ordinal).ToList();
    }

    private static string ExpectedCopyKey(string path) => S3Migration.Model.ExpectedCopy.SplitPath(path).Key;

}
