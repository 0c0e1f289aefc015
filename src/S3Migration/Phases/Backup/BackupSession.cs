using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3Migration.Model;
using S3Migration.Phases.Copy;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Backup
{
    /// <summary>
    /// The copies of one Backup-MigrationSource run: the approved sources, posted one by one to the bounded runner, and
    /// their results journaled in backup_log.csv and handed to the cmdlet in backup terms. The cmdlet drives it from the
    /// pipeline thread (post, take what finished, drain) and closes it; <see cref="SourceBackup.FinishAsync"/> then
    /// checks completion.
    /// </summary>
    public sealed class BackupSession
    {
        /// <summary>Waits hand back at least this often, so progress keeps moving during a long multipart copy.</summary>
        public static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

        private readonly BackupOptions _o;
        private readonly MigrationJournal _journal;
        private readonly BoundedRunner<CopyItem, CopyOutcome> _runner;
        private readonly CancellationToken _stop;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Queue<CopyOutcome> _refused = new Queue<CopyOutcome>();
        private readonly IEnumerator<SourceObject> _next;
        /// <summary>The source to post next, when no slot was free within the patience.</summary>
        private CopyItem? _pending;
        private readonly BackupProgress _progress;
        private bool _closed;

        internal BackupSession(BackupOptions o, MigrationJournal journal, CopyEngine engine, IReadOnlyList<SourceObject> sources, ISet<string> approved,
            LifecycleOutcome? lifecycle, BackupOutcome outcome, CancellationToken stop)
        {
            _o = o; _journal = journal; _stop = stop; Outcome = outcome; Lifecycle = lifecycle;
            _runner = new BoundedRunner<CopyItem, CopyOutcome>(async (item, ct) => Journaled(await engine.RunAsync(item, ct).ConfigureAwait(false)), o.ThrottleLimit, stop);
            Sources = sources; Approved = approved;
            _next = sources.Where(s => approved.Contains(s.Key)).GetEnumerator();
            _progress = new BackupProgress { Total = sources.Count(s => approved.Contains(s.Key)) };
            outcome.EarlierJournalRows = journal.EarlierRows;
            outcome.TornJournalBytes = journal.TornBytes;
        }

        public IReadOnlyList<SourceObject> Sources { get; }
        /// <summary>The source keys ShouldProcess allowed.</summary>
        public ISet<string> Approved { get; }
        public BackupOutcome Outcome { get; }
        /// <summary>The lifecycle rule as read back (with -TransitionAfterDays), or null.</summary>
        public LifecycleOutcome? Lifecycle { get; }
        /// <summary>The counts so far, with the time elapsed now.</summary>
        public BackupProgress Progress { get { _progress.Elapsed = _clock.Elapsed; return _progress; } }
        /// <summary>Each source's result, by source key, for the completion check.</summary>
        internal Dictionary<string, BackupResult> Results { get; } = new Dictionary<string, BackupResult>(StringComparer.Ordinal);
        /// <summary>A whole-run error (a missing bucket, rejected credentials) that stopped the copies, once taken.</summary>
        public MigrationException? Fatal { get; private set; }

        /// <summary>
        /// Posts the next approved source; true once every one is posted. A source that cannot be backed up under its own
        /// key fails at once, without a request. Throws OperationCanceledException once the run is stopped (Ctrl+C).
        /// </summary>
        public async Task<bool> TryPostNextAsync()
        {
            _stop.ThrowIfCancellationRequested();
            if (Fatal != null) return true;
            var item = _pending ?? NextItem();
            _pending = null;
            if (item == null) return true;
            var refused = CopyEligibility.WhyNotBackedUp(item);
            if (refused != null)
            {
                var r = item.NewResult();
                CopyFailure.Fail(r, FailureReason.Other, refused);
                r.Timestamp = DateTime.UtcNow;
                _refused.Enqueue(new CopyOutcome(r, UnverifiedCopy.None, false));
            }
            else if (!await _runner.TryPostAsync(item, Patience).ConfigureAwait(false))
                _pending = item;
            return false;
        }

        private CopyItem? NextItem() => !_next.MoveNext() ? null : new CopyItem
        {
            SourceBucket = _o.SourceBucket, SourceKey = _next.Current.Key, TargetBucket = _o.BackupBucket, TargetKey = _o.BackupKeyOf(_next.Current.Key),
            Size = _next.Current.Size, ETag = _next.Current.ETag,
        };

        /// <summary>See <see cref="BoundedRunner{TItem,TResult}.TryDrainAsync"/>.</summary>
        public Task<bool> TryDrainAsync() => _runner.TryDrainAsync(Patience);

        /// <summary>The sources whose copy finished, journaled and counted; for the pipeline unless the run is being stopped (Ctrl+C).</summary>
        public IReadOnlyList<BackupResult> TakeFinished()
        {
            var done = new List<BackupResult>();
            while (_refused.Count > 0) done.Add(Complete(Journaled(_refused.Dequeue())));
            foreach (var o in _runner.TakeFinished()) done.Add(Complete(o));
            if (_runner.Fatal is { } ex)
                Fatal = ex as MigrationException ?? new MigrationException("BackupFailed", MigrationErrorKind.ResourceUnavailable, ex.Message, ex);
            return _stop.IsCancellationRequested ? Array.Empty<BackupResult>() : done;
        }

        /// <summary>
        /// Stops the copies in flight and waits for every one of them (each cleans up after itself), journals those that
        /// completed and hands them out (unless the run is being stopped); after a whole-run error, and on the way out.
        /// </summary>
        public async Task<IReadOnlyList<BackupResult>> StopAsync()
        {
            var done = (await _runner.StopAsync().ConfigureAwait(false)).Select(Complete).ToList();
            // A backup that failed for a reason of its own while the run stopped (its journal row could not be written)
            // makes the run's error, as a whole-run error does, never swallowed.
            if (Fatal == null && _runner.Fatal is { } late)
                Fatal = late as MigrationException ?? new MigrationException("BackupFailed", MigrationErrorKind.ResourceUnavailable, late.Message, late);
            return _stop.IsCancellationRequested ? Array.Empty<BackupResult>() : done;
        }

        /// <summary>Stops what still runs (journaling what completed) and closes the journal: whatever ended the copies.</summary>
        public async Task CloseAsync()
        {
            if (_closed) return;
            _closed = true;
            try { await StopAsync().ConfigureAwait(false); }
            finally
            {
                _runner.Dispose();
                _journal.Dispose();
            }
        }

        /// <summary>
        /// Journals a backup copy the moment it ends, on the worker that made it (as the copy phase does), so a run killed
        /// before the pipeline thread collects it leaves no backup the journal does not name. Appends are serialized.
        /// </summary>
        private CopyOutcome Journaled(CopyOutcome o)
        {
            if (!o.Copy.FromJournal) lock (_journalAppend) _journal.Append(JournalRow.From(o.Copy));
            return o;
        }
        private readonly object _journalAppend = new object();

        /// <summary>Counts a finished (already journaled) backup copy and turns it into the cmdlet's result.</summary>
        private BackupResult Complete(CopyOutcome o)
        {
            var b = BackupResultOf.Copy(o, _o.WriteClass, _journal.Verified);
            Results[b.SourceKey] = b;
            _progress.Done++;
            if (b.Status == BackupResultStatus.Failed) _progress.Failed++;
            else { _progress.Bytes += b.Size; if (b.Status == BackupResultStatus.Skipped) _progress.Skipped++; else _progress.Verified++; }
            return b;
        }
    }
}
