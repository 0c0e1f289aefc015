using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// kill -9 during Remove-MigrationSource (issue 10, item 7): the cmdlet runs in a real pwsh process, through a loopback
/// proxy that tells the test when a chosen moment of the run has come; the test kills the process there, then runs the
/// cleanup again. Whatever the moment, deletion_log.csv must account for every source a listing says is gone (an
/// outcome or an intent), and after the re-run its settled outcomes must be exactly what the listing says is gone.
/// </summary>
[Collection(S3Collection.Name)]
public class RemovalCrashTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    private readonly ITestOutputHelper _out;
    public RemovalCrashTests(MotoServer moto, ITestOutputHelper output) { _moto = moto; _s3 = moto.CreateClient(); _out = output; }

    /// <summary>Four people, three files each: with -BatchSize 3, four DeleteObjects requests.</summary>
    private static readonly Dictionary<string, string> Files = Enumerable.Range(1, 4)
        .SelectMany(p => new[] { "mp3", "pdf", "mp4" }.Select(ext => ($"{p}_P{p}/f.{ext}", $"{ext} of person {p}")))
        .ToDictionary(f => f.Item1, f => f.Item2);

    private const string Script = """
        $ErrorActionPreference = 'Stop'
        Import-Module $env:S3MIG_MANIFEST
        $null = Remove-MigrationSource -WorkspacePath $env:S3MIG_WS -EndpointUrl $env:S3MIG_ENDPOINT -Force -Confirm:$false -BatchSize 3 -WarningAction SilentlyContinue
        'REMOVAL DONE'
        """;

    /// <summary>
    /// The moment to kill at: a proxy hook calls <see cref="Hold"/>, which signals the test and holds that request until
    /// the kill is done; then the request is dropped, never forwarded or answered (its client is dead).
    /// </summary>
    private sealed class KillPoint
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task Reached => _reached.Task;
        public Task Hold() { _reached.TrySetResult(); return _release.Task; }
        public void Signal() => _reached.TrySetResult();
        public void Release() => _release.TrySetCanceled();
    }

    /// <summary>Runs the cleanup in pwsh through a proxy armed by <paramref name="arm"/>; kills it -9 when the kill point is reached. True when it was killed.</summary>
    private bool RunAndKill(MigratedWorkspace w, Action<LoopbackProxy, KillPoint> arm)
    {
        using var proxy = new LoopbackProxy(_moto.EndpointUrl);
        var point = new KillPoint();
        arm(proxy, point);
        using var pwsh = PwshProcess.Start(Script, new Dictionary<string, string>
        {
            ["S3MIG_MANIFEST"] = RepoPaths.Manifest, ["S3MIG_WS"] = w.Workspace, ["S3MIG_ENDPOINT"] = proxy.EndpointUrl,
        });
        try
        {
            Assert.True(Task.WhenAny(point.Reached, pwsh.Exited).Wait(TimeSpan.FromMinutes(2)), "the run neither reached the kill point nor ended:\n" + pwsh.Output);
            if (point.Reached.IsCompleted)
            {
                pwsh.KillHard();
                Assert.True(pwsh.HasExited);
                return true;
            }
            Assert.True(pwsh.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.True(pwsh.ExitCode == 0 && pwsh.Output.Contains("REMOVAL DONE"), "the run ended without the kill, but not well:\n" + pwsh.Output);
            return false;
        }
        finally { point.Release(); }
    }

    private HashSet<string> GoneByListing(MigratedWorkspace w)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var request = new ListObjectsV2Request { BucketName = w.Bucket.Name };
        ListObjectsV2Response page;
        do
        {
            page = _s3.ListObjectsV2Async(request).GetAwaiter().GetResult();
            foreach (var o in page.S3Objects ?? new List<S3Object>()) listed.Add(o.Key);
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
        return Files.Keys.Where(k => !listed.Contains(k)).Select(k => $"s3://{w.Bucket.Name}/{k}").ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Right after a kill: every gone source has a row that says so or announced it (an intent), and no row claims a source that is there.</summary>
    private void AssertNoDeletionUnlogged(MigratedWorkspace w, string when)
    {
        var gone = GoneByListing(w);
        var outcomes = DeletionJournal.Outcomes(w.Workspace);
        foreach (var path in gone)
            Assert.True(outcomes.TryGetValue(path, out var row) && (row.IsGone || row.Status == DeletionRow.Deleting),
                $"{when}: {path} is gone, but deletion_log.csv's last row for it is {(row == null ? "missing" : $"'{row.Status}'")}");
        foreach (var (path, row) in outcomes.Where(o => o.Value.IsGone))
            Assert.True(gone.Contains(path), $"{when}: deletion_log.csv says {path} is {row.Status}, but it is listed");
    }

    /// <summary>After a complete run: no intent left unsettled, and the settled outcomes are exactly the listing's gone sources, here all of them.</summary>
    private void AssertLogSettledAndTrue(MigratedWorkspace w, string when)
    {
        var rows = DeletionJournal.Read(w.Workspace);
        Assert.Empty(DeletionJournal.Unsettled(rows));
        var gone = GoneByListing(w);
        var saysGone = DeletionJournal.Outcomes(rows).Where(o => o.Value.IsGone).Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        Assert.True(gone.SetEquals(saysGone), $"{when}: listed as gone: {string.Join(", ", gone.Order())}; deletion_log.csv says gone: {string.Join(", ", saysGone.Order())}");
        Assert.Equal(Files.Count, gone.Count);
        Assert.All(DeletionJournal.Outcomes(rows).Values, r => Assert.Equal(DeletionRow.Deleted, r.Status));
    }

    private RemovalRun FinishInProcess(MigratedWorkspace w) =>
        w.Remove(new RemovalOptions { GracePeriodDays = 0, BatchSize = 3 });

    private MigratedWorkspace Build(TempDir dir)
    {
        Skip.If(PwshProcess.Locate(out var whyNot) == null, whyNot + ": the crash test needs a pwsh process to kill");
        return MigratedWorkspace.Build(_moto, _s3, dir, Files, stem: "crash");
    }

    [SkippableFact]
    public void Killed_after_S3_deleted_a_batch_but_before_the_answer_the_rerun_logs_those_sources_as_deleted()
    {
        using var dir = new TempDir();
        var w = Build(dir);
        var posts = 0;
        // The second DeleteObjects: moto has deleted its three keys; the answer is held, so the client never learns it.
        var killed = RunAndKill(w, (proxy, point) => proxy.BeforeAnswer = kind => kind == "POST delete" && Interlocked.Increment(ref posts) == 2 ? point.Hold() : Task.CompletedTask);
        Assert.True(killed);
        Assert.Equal(6, GoneByListing(w).Count);
        AssertNoDeletionUnlogged(w, "after the kill");
        Assert.Equal(3, DeletionJournal.Unsettled(DeletionJournal.Read(w.Workspace)).Count);

        var rerun = FinishInProcess(w);

        AssertLogSettledAndTrue(w, "after the re-run");
        var settled = rerun.Results.Where(r => r.Notes.StartsWith("deleted by a run that stopped")).ToList();
        Assert.Equal(3, settled.Count);
        Assert.All(settled, r => Assert.Equal(RemovalStatus.Deleted, r.Status));
        Assert.DoesNotContain(DeletionJournal.Read(w.Workspace), r => r.Reason.Contains("no longer exists"));
        Assert.Equal(9, rerun.Summary.ObjectsDeleted); // the three settled and the six left
    }

    [SkippableFact]
    public void Killed_right_after_the_DeleteObjects_answer_was_sent_the_log_stays_true()
    {
        using var dir = new TempDir();
        var w = Build(dir);
        var killed = RunAndKill(w, (proxy, point) => proxy.AfterAnswer = kind => { if (kind == "POST delete") point.Signal(); });
        Assert.True(killed);
        AssertNoDeletionUnlogged(w, "after the kill");
        FinishInProcess(w);
        AssertLogSettledAndTrue(w, "after the re-run");
    }

    [SkippableFact]
    public void Killed_before_the_announced_DeleteObjects_reached_S3_the_rerun_logs_nothing_as_deleted_and_deletes_them()
    {
        using var dir = new TempDir();
        var w = Build(dir);
        var killed = RunAndKill(w, (proxy, point) => proxy.OnRequest = (kind, _) => kind == "POST delete" ? point.Hold() : Task.CompletedTask);
        Assert.True(killed);
        Assert.Empty(GoneByListing(w));
        Assert.Equal(3, DeletionJournal.Unsettled(DeletionJournal.Read(w.Workspace)).Count);
        AssertNoDeletionUnlogged(w, "after the kill");

        FinishInProcess(w);

        AssertLogSettledAndTrue(w, "after the re-run");
        var rows = DeletionJournal.Read(w.Workspace);
        Assert.Equal(3, rows.Count(r => r.Status == DeletionRow.Kept && r.Reason.StartsWith("not deleted: a run that stopped")));
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Killed_twice_at_random_moments_the_reruns_leave_a_true_log(int seed)
    {
        using var dir = new TempDir();
        var w = Build(dir);
        var random = new Random(seed);

        // First anywhere in the run (checks, listings, deletes: a request number past the end lets the run finish) ...
        var at = random.Next(1, 50);
        var kind = "";
        var killed = RunAndKill(w, (proxy, point) => proxy.OnRequest = (k, n) => { if (n != at) return Task.CompletedTask; kind = k; return point.Hold(); });
        _out.WriteLine(killed ? $"kill 1: as request {at} ({kind}) arrived; {GoneByListing(w).Count} sources gone" : $"run 1: finished before request {at}");
        AssertNoDeletionUnlogged(w, $"seed {seed}, kill 1");

        // ... then the re-run in the deletions: at a random DeleteObjects, as it arrives, once S3 has answered, or a few ms after the client got the answer.
        var post = random.Next(1, 4);
        var stage = random.Next(3);
        var delay = random.Next(0, 30);
        var posts = 0;
        killed = RunAndKill(w, (proxy, point) =>
        {
            bool Chosen(string k) => k == "POST delete" && Interlocked.Increment(ref posts) == post;
            if (stage == 0) proxy.OnRequest = (k, _) => Chosen(k) ? point.Hold() : Task.CompletedTask;
            else if (stage == 1) proxy.BeforeAnswer = k => Chosen(k) ? point.Hold() : Task.CompletedTask;
            else proxy.AfterAnswer = k => { if (Chosen(k)) Task.Delay(delay).ContinueWith(_ => point.Signal()); };
        });
        _out.WriteLine(killed ? $"kill 2: DeleteObjects {post}, {new[] { "as it arrived", "after S3 answered", $"{delay} ms after the answer" }[stage]}; {GoneByListing(w).Count} sources gone"
                              : "run 2: finished");
        AssertNoDeletionUnlogged(w, $"seed {seed}, kill 2");

        FinishInProcess(w);
        AssertLogSettledAndTrue(w, $"seed {seed}, after the final run");
    }
}
