using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace S3Migration.Phases
{
    /// <summary>
    /// Runs work items concurrently, at most a limit at a time, for a caller that feeds them one by one and takes the
    /// finished results on its own thread: a cmdlet may write to the pipeline only from the pipeline thread, so the
    /// runner never calls back, it hands results over when asked. Copy-PersonFiles and Backup-MigrationSource both run
    /// their copies through it.
    /// <list type="bullet">
    /// <item>Streaming: an item starts as soon as a slot is free and only running items are held, so results come out
    /// while the input still flows, and memory does not grow with the input.</item>
    /// <item>Every wait gives up after its patience and says so, so the caller can report progress during a long copy
    /// and wait again.</item>
    /// <item>A work item that throws, rather than returning a failed result, is fatal (a missing bucket, rejected
    /// credentials: the whole run is wrong): the others are cancelled at once; the results that finished before it are
    /// still handed out, then <see cref="Fatal"/> says what stopped the run, and <see cref="StopAsync"/> hands out those
    /// that finished while the others stopped.</item>
    /// <item>Cancelling the stop token (Ctrl+C) cancels what runs; a cancelled item has no result.</item>
    /// </list>
    /// Only one caller drives a runner; the items run on the thread pool.
    /// </summary>
    public sealed class BoundedRunner<TItem, TResult> : IDisposable
    {
        private readonly Func<TItem, CancellationToken, Task<TResult>> _work;
        private readonly CancellationTokenSource _cancel;
        private readonly SemaphoreSlim _slots;
        private readonly Channel<Finished> _finished = Channel.CreateUnbounded<Finished>(new UnboundedChannelOptions { SingleReader = true });
        // Items started (counted by the caller) and items ended (counted by the items, after their end is in the channel).
        private long _started, _ended;
        // Completed, and replaced, each time an item ends: what a waiting caller wakes up on.
        private TaskCompletionSource _anEnd = NewSignal();

        /// <summary>How one item ended: a result, a failure that stops the run, or neither (cancelled).</summary>
        private readonly record struct Finished(bool HasResult, TResult Value, Exception? Fault);

        /// <param name="work">one item's work; it gets the runner's token, cancelled on a stop or a fatal error</param>
        /// <param name="limit">items run at once, at least 1</param>
        /// <param name="stop">cancels the whole run (Ctrl+C)</param>
        public BoundedRunner(Func<TItem, CancellationToken, Task<TResult>> work, int limit, CancellationToken stop)
        {
            _work = work;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
            _slots = new SemaphoreSlim(Math.Max(1, limit));
        }

        /// <summary>The error that stopped the run, once <see cref="TakeFinished"/> has reached it; null while none did.</summary>
        public Exception? Fatal { get; private set; }

        /// <summary>Items started that have not ended yet.</summary>
        public long Running => _started - Interlocked.Read(ref _ended);

        /// <summary>
        /// Starts <paramref name="item"/> as soon as fewer than the limit run. False when <paramref name="patience"/> passed
        /// first: nothing was started, and the caller reports progress, takes what finished, and posts the item again.
        /// True when it started, or when the run is stopping (cancelled, or a fatal error): then the item is dropped.
        /// </summary>
        public async Task<bool> TryPostAsync(TItem item, TimeSpan patience)
        {
            if (_cancel.IsCancellationRequested) return true;
            try
            {
                if (!await _slots.WaitAsync(patience, _cancel.Token).ConfigureAwait(false)) return false;
            }
            catch (OperationCanceledException) { return true; }
            _started++;
            _ = RunAsync(item);
            return true;
        }

        /// <summary>
        /// True when every started item has ended (or the run has stopped on a fatal error): the caller takes what
        /// finished, and is done. False when one has ended or <paramref name="patience"/> passed: the caller takes what
        /// finished, reports progress, and asks again.
        /// </summary>
        public async Task<bool> TryDrainAsync(TimeSpan patience)
        {
            var anEnd = Volatile.Read(ref _anEnd).Task;
            if (Running == 0 || Fatal != null) return true;
            try { await anEnd.WaitAsync(patience).ConfigureAwait(false); }
            catch (TimeoutException) { /* patience passed */ }
            return Running == 0;
        }

        /// <summary>The results of the items that finished since the last call, in the order they finished; nothing after a fatal error.</summary>
        public IReadOnlyList<TResult> TakeFinished()
        {
            var results = new List<TResult>();
            while (Fatal == null && _finished.Reader.TryRead(out var f))
            {
                if (f.Fault != null) Fatal = f.Fault;
                else if (f.HasResult) results.Add(f.Value);
            }
            return results;
        }

        /// <summary>
        /// Cancels the items that run and waits for every one of them (each cleans up after itself), then hands out the
        /// results of those that completed and were not taken yet.
        /// </summary>
        public async Task<IReadOnlyList<TResult>> StopAsync()
        {
            _cancel.Cancel();
            while (true)
            {
                var anEnd = Volatile.Read(ref _anEnd).Task;
                if (Running == 0) break;
                await anEnd.ConfigureAwait(false);
            }
            var results = new List<TResult>();
            while (_finished.Reader.TryRead(out var f))
            {
                // An item that failed for a reason of its own while the run stopped (a journal it could not write) is
                // kept, so the caller can still say why; the first such error wins.
                if (f.Fault != null) Fatal ??= f.Fault;
                else if (f.HasResult) results.Add(f.Value);
            }
            return results;
        }

        /// <summary>An error that stopping the run explains: a cancellation, or one wrapped by the SDK or HttpClient.</summary>
        private static bool CausedByCancellation(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
                if (e is OperationCanceledException) return true;
            return false;
        }

        private async Task RunAsync(TItem item)
        {
            Finished end;
            try
            {
                end = new Finished(true, await _work(item, _cancel.Token).ConfigureAwait(false), null);
            }
            catch (OperationCanceledException)
            {
                end = default; // stopped: no result
            }
            catch (Exception ex) when (_cancel.IsCancellationRequested && CausedByCancellation(ex))
            {
                end = default; // failed because the run was stopping: no result
            }
            catch (Exception ex)
            {
                end = new Finished(false, default!, ex);
                // A whole-run error: stop the other items now; the caller learns why when it takes this one.
                _cancel.Cancel();
            }
            finally
            {
                _slots.Release();
            }
            _finished.Writer.TryWrite(end);
            Interlocked.Increment(ref _ended);
            Interlocked.Exchange(ref _anEnd, NewSignal()).TrySetResult();
        }

        private static TaskCompletionSource NewSignal() => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Dispose()
        {
            // A runner disposed with items still running only cancels them: they still release their slot and write their end.
            if (Running > 0) _cancel.Cancel();
            else _cancel.Dispose();
        }
    }
}
