using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.RegularExpressions;
using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// Progress with a real total, in the engine against a known input count: Copy-PersonFiles counts against the
/// workspace inventory's planned files, or the items of an -InputObject array (or says only how many it copied), its summary's files_remaining is true after a
/// Ctrl+C, and Test-MigrationIntegrity counts the copies it has checked. No workspace path in the activity text.
/// </summary>
[Collection(S3Collection.Name)]
public class ProgressTotalTests
{
    private const int People = 3, FilesEach = 20, Planned = People * FilesEach;
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public ProgressTotalTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private TestBucket Seed(string stem)
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName(stem));
        var keys = Enumerable.Range(1, People).SelectMany(p => Enumerable.Range(0, FilesEach).Select(f => $"{p}_P{p}/f{f}.mp3")).ToList();
        Parallel.ForEach(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k => b.Put(k, new string('x', 1000)));
        b.Put("loose.txt", "not a person's file"); // an orphan: in the inventory, not planned
        return b;
    }

    private static List<ProgressRecord> Bars(PipelineRun run, string activity) =>
        run.Progress.Where(p => p.Activity == activity && p.RecordType == ProgressRecordType.Processing).ToList();

    /// <summary>The copy's bar counted every record against <paramref name="total"/>: "N of total items", a percentage, a time left mid-run.</summary>
    private static void AssertCopyBarsCountAgainst(PipelineRun run, int total)
    {
        var bars = Bars(run, "Copy-PersonFiles");
        Assert.NotEmpty(bars);
        Assert.All(bars, p => Assert.Matches($@"^[\d,]+ of {total} items \(", p.StatusDescription));
        Assert.All(bars, p => Assert.InRange(p.PercentComplete, 0, 100));
        // A time left is given (-1 would be none); whole seconds, so a run this fast on moto may show 0.
        Assert.Contains(bars, p => p.PercentComplete is > 0 and < 100 && p.SecondsRemaining >= 0);
    }

    [Fact]
    public void Copy_progress_counts_against_the_planned_files_of_the_workspace_inventory()
    {
        using var dir = new TempDir();
        var b = Seed("total");
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, delayMs: 5);
        var run = CopyRun.Pipe(_moto, """
            $items = Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws
            $items | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $proxy -ThrottleLimit 2
            """, ("bucket", b.Name), ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
        Assert.Null(run.Terminating);
        Assert.Equal(Planned, run.Objects<MigrationResult>().Count(r => r.Status == MigrationResultStatus.Verified));
        // Every record counts against the 60 planned files, never against the items received so far.
        AssertCopyBarsCountAgainst(run, Planned);
        Assert.All(run.Progress, p => Assert.DoesNotContain(dir.Path, p.Activity));
        var summary = CopyRun.Summary(dir.Path);
        Assert.Equal((Planned, 0), (summary.GetProperty("total_files_to_migrate").GetInt32(), summary.GetProperty("files_remaining").GetInt32()));
    }

    [Fact]
    public void Without_a_total_the_copy_says_how_many_it_copied_and_no_percentage()
    {
        using var dir = new TempDir();
        var b = Seed("nototal");
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, delayMs: 5);
        var run = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $proxy -ThrottleLimit 2",
            ("bucket", b.Name), ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
        Assert.Null(run.Terminating);
        var bars = Bars(run, "Copy-PersonFiles");
        Assert.NotEmpty(bars);
        Assert.All(bars, p => Assert.Matches(@"^[\d,]+ copied \(", p.StatusDescription));
        Assert.All(bars, p => Assert.Equal((-1, -1), (p.PercentComplete, p.SecondsRemaining)));
        // At the end of the whole input the run knows it had 60.
        Assert.Equal(0, CopyRun.Summary(dir.Path).GetProperty("files_remaining").GetInt32());
    }

    [Fact]
    public void Copy_progress_of_an_InputObject_array_counts_its_items_without_an_inventory()
    {
        using var dir = new TempDir();
        var b = Seed("array");
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, delayMs: 5);
        // No -WorkspacePath on the inventory: the workspace has no inventory, only the array tells the total.
        var run = CopyRun.Pipe(_moto, """
            $items = Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint
            Copy-PersonFiles -InputObject $items -WorkspacePath $ws -EndpointUrl $proxy -ThrottleLimit 2
            """, ("bucket", b.Name), ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
        Assert.Null(run.Terminating);
        Assert.Equal(Planned, run.Objects<MigrationResult>().Count(r => r.Status == MigrationResultStatus.Verified));
        Assert.Single(run.Objects<MigrationResult>(), r => r.Status == MigrationResultStatus.NotPlanned); // the orphan, not counted
        AssertCopyBarsCountAgainst(run, Planned);
        var summary = CopyRun.Summary(dir.Path);
        Assert.Equal((Planned, 0), (summary.GetProperty("total_files_to_migrate").GetInt32(), summary.GetProperty("files_remaining").GetInt32()));
    }

    [Fact]
    public void A_filtered_InputObject_array_is_the_total_even_beside_the_workspace_inventory()
    {
        using var dir = new TempDir();
        var b = Seed("filtered");
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, delayMs: 5);
        var run = CopyRun.Pipe(_moto, """
            $items = Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws
            Copy-PersonFiles -InputObject @($items | Where-Object PersonName -eq 'P1') -WorkspacePath $ws -EndpointUrl $proxy -ThrottleLimit 2
            """, ("bucket", b.Name), ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
        Assert.Null(run.Terminating);
        Assert.Equal(FilesEach, run.Objects<MigrationResult>().Count(r => r.Status == MigrationResultStatus.Verified));
        // 20 items given, not the inventory's 60 planned files: the bar reaches 100 % when the array is done.
        AssertCopyBarsCountAgainst(run, FilesEach);
    }

    [Fact]
    public void Integrity_progress_of_piped_results_counts_against_what_was_piped()
    {
        using var dir = new TempDir();
        var b = Seed("pipedcheck");
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, delayMs: 20);
        var run = CopyRun.Pipe(_moto, """
            $results = Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint
            $results | Where-Object PersonName -eq 'P2' | Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $proxy -ThrottleLimit 2 -ReportPath $report
            """, ("bucket", b.Name), ("ws", dir.Path), ("proxy", proxy.EndpointUrl), ("report", dir.File("p2.csv")));
        Assert.Null(run.Terminating);
        var counted = Bars(run, "Test-MigrationIntegrity").Select(p => Regex.Match(p.StatusDescription, @"^(\d+) of (\d+) copies checked$")).Where(m => m.Success).ToList();
        Assert.NotEmpty(counted);
        Assert.All(counted, m => Assert.Equal(FilesEach.ToString(), m.Groups[2].Value));
        Assert.Equal(FilesEach.ToString(), counted[^1].Groups[1].Value);
    }

    [Fact]
    public void After_ctrl_c_the_summary_says_how_many_planned_files_remain()
    {
        using var dir = new TempDir();
        var b = Seed("remaining");
        var inventory = PowerShellHost.Run("Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws",
            new Dictionary<string, object?> { ["bucket"] = b.Name, ["endpoint"] = _moto.EndpointUrl, ["ws"] = dir.Path });
        var items = inventory.Objects<MigrationItem>().ToList();
        using (var proxy = new LoopbackProxy(_moto.EndpointUrl, delayMs: 30))
            CopyRun.StopOnceJournaled(items, dir.Path, proxy.EndpointUrl, 1, 5);
        var summary = CopyRun.Summary(dir.Path);
        Assert.Equal("cancelled", summary.GetProperty("state").GetString());
        var verified = CopyRun.Journal(dir.Path).Count;
        Assert.InRange(verified, 5, Planned - 10);
        Assert.Equal(Planned, summary.GetProperty("total_files_to_migrate").GetInt32());
        Assert.Equal(Planned - verified, summary.GetProperty("files_remaining").GetInt32());
    }

    [Fact]
    public void Integrity_progress_counts_the_copies_checked()
    {
        using var dir = new TempDir();
        var b = Seed("checked");
        var copy = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint",
            ("bucket", b.Name), ("ws", dir.Path));
        Assert.Null(copy.Terminating);
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, delayMs: 20);
        var run = CopyRun.Pipe(_moto, "Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $proxy -ThrottleLimit 2 -Summary -Verify Head", ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
        Assert.Null(run.Terminating);
        var bars = Bars(run, "Test-MigrationIntegrity");
        var counted = bars.Select(p => Regex.Match(p.StatusDescription, @"^(\d+) of (\d+) copies checked$")).Where(m => m.Success).ToList();
        Assert.True(counted.Count >= 2, string.Join(" | ", bars.Select(p => p.StatusDescription)));
        Assert.All(counted, m => Assert.Equal(Planned.ToString(), m.Groups[2].Value));
        Assert.Contains(counted, m => int.Parse(m.Groups[1].Value) < Planned);
        Assert.Equal(Planned.ToString(), counted[^1].Groups[1].Value);
        Assert.Contains(run.Progress, p => p.Activity == "Test-MigrationIntegrity" && p.RecordType == ProgressRecordType.Completed);
        Assert.All(run.Progress, p => Assert.DoesNotContain(dir.Path, p.Activity));
    }

}
