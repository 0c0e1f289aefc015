
namespace S3Migration.Tests.Unit.Phases;

/// <summary>The one bounded runner behind Copy-PersonFiles and Backup-MigrationSource, driven as a cmdlet drives it.</summary>
public class BoundedRunnerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(50);

    /// <summary>Posts every item and drains, taking results after each step, as the cmdlets do on the pipeline thread.</summary>
    private static async Task<List<int>> DriveAsync(BoundedRunner<int, int> runner, IEnumerable<int> items)
    {
        var results = new List<int>();
        foreach (var i in items)
        {
            while (!await runner.TryPostAsync(i, Patience)) results.AddRange(runner.TakeFinished());
            results.AddRange(runner.TakeFinished());
            if (runner.Fatal != null) return results;
        }
        while (!await runner.TryDrainAsync(Patience)) results.AddRange(runner.TakeFinished());
        results.AddRange(runner.TakeFinished());
        return results;
    }

    [Fact]
    public async Task Every_item_runs_never_more_than_the_limit_at_once_and_results_stream_out_while_items_are_posted()
    {
        var running = 0; var most = 0;
        using var runner = new BoundedRunner<int, int>(async (i, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            lock (this) most = Math.Max(most, now);
            await Task.Delay(10, ct);
            Interlocked.Decrement(ref running);
            return i * 2;
        }, 3, CancellationToken.None);
        var firstOut = -1; var posted = 0;
        var results = new List<int>();
        foreach (var i in Enumerable.Range(1, 40))
        {
            while (!await runner.TryPostAsync(i, Patience)) results.AddRange(runner.TakeFinished());
            posted++;
            results.AddRange(runner.TakeFinished());
            if (firstOut < 0 && results.Count > 0) firstOut = posted;
        }
        while (!await runner.TryDrainAsync(Patience)) results.AddRange(runner.TakeFinished());
        results.AddRange(runner.TakeFinished());

        Assert.Equal(Enumerable.Range(1, 40).Select(i => i * 2), results.OrderBy(r => r));
        Assert.InRange(most, 1, 3);
        Assert.InRange(firstOut, 1, 39); // results came out before the last item was posted
        Assert.Equal(0, runner.Running);
        Assert.Null(runner.Fatal);
    }

    [Fact]
    public async Task A_post_gives_up_after_its_patience_while_every_slot_is_busy()
    {
        var release = new TaskCompletionSource();
        using var runner = new BoundedRunner<int, int>(async (i, ct) => { await release.Task.WaitAsync(ct); return i; }, 1, CancellationToken.None);
        Assert.True(await runner.TryPostAsync(1, Patience));
        Assert.False(await runner.TryPostAsync(2, Patience)); // not started: post it again later
        Assert.False(await runner.TryDrainAsync(Patience));
        release.SetResult();
        Assert.True(await runner.TryPostAsync(2, TimeSpan.FromSeconds(10)));
        while (!await runner.TryDrainAsync(Patience)) { }
        Assert.Equal(new[] { 1, 2 }, runner.TakeFinished().OrderBy(r => r));
    }

    [Fact]
    public async Task A_work_item_that_throws_stops_the_others_and_the_run_hands_out_what_finished()
    {
        var cancelled = 0;
        using var runner = new BoundedRunner<int, int>(async (i, ct) =>
        {
            if (i == 1) return 1;
            if (i == 3) { await Task.Delay(20, CancellationToken.None); throw new InvalidOperationException("the bucket is gone"); }
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { Interlocked.Increment(ref cancelled); throw; }
            return i;
        }, 4, CancellationToken.None);
        var results = await DriveAsync(runner, new[] { 1, 2, 3, 4 });

        Assert.Equal(new[] { 1 }, results);
        Assert.Equal("the bucket is gone", runner.Fatal?.Message);
        Assert.True(await runner.TryPostAsync(5, Patience)); // a stopped run starts nothing more: the item is dropped
        Assert.Empty(await runner.StopAsync()); // the others were cancelled: no result
        Assert.Equal(2, cancelled);
        Assert.Equal(0, runner.Running);
    }

    [Fact]
    public async Task Cancelling_the_run_cancels_what_runs_and_starts_nothing_more()
    {
        using var stop = new CancellationTokenSource();
        var started = 0;
        using var runner = new BoundedRunner<int, int>(async (i, ct) => { Interlocked.Increment(ref started); await Task.Delay(Timeout.Infinite, ct); return i; }, 2, stop.Token);
        Assert.True(await runner.TryPostAsync(1, Patience));
        Assert.True(await runner.TryPostAsync(2, Patience));
        stop.Cancel();
        Assert.True(await runner.TryPostAsync(3, Patience)); // dropped
        while (!await runner.TryDrainAsync(Patience)) { }
        Assert.Empty(runner.TakeFinished());
        Assert.Null(runner.Fatal);
        Assert.Equal(2, started);
    }

    [Fact]
    public async Task An_item_that_fails_for_its_own_reason_while_the_run_stops_is_not_swallowed()
    {
        using var runner = new BoundedRunner<int, int>(async (i, ct) =>
        {
            // The copy ends as the run stops, then its journal row cannot be written: not a cancellation.
            try { await Task.Delay(Timeout.Infinite, ct); } catch (OperationCanceledException) { }
            throw new IOException("disk full");
        }, 2, CancellationToken.None);
        Assert.True(await runner.TryPostAsync(1, Patience));
        Assert.Empty(await runner.StopAsync());
        Assert.Equal("disk full", runner.Fatal?.Message);
    }
}
