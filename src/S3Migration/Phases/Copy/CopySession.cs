using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Copy
{
    /// <summary>
    /// One Copy-PersonFiles run over a workspace: its journal (locked for the run), the copies running through the
    /// bounded runner, the per-person tallies, migration_summary.json and the progress figures. The cmdlet feeds it the
    /// items as they arrive and writes what it hands back (results, messages, progress); every method but the async
    /// ones is called on the pipeline thread.
    /// </summary>
    public sealed class CopySession : IDisposable
    {
        /// <summary>Waits hand back at least this often, so progress and the summary keep moving during a long copy or hash.</summary>
        public static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

        private readonly MigrationJournal _journal;
        private readonly MigrationSummary _summary = new MigrationSummary();
        private readonly CopyTally _tally = new CopyTally();
        private readonly Stopwatch _clock = new Stopwatch();
        private BoundedRunner<CopyItem, MigrationResult>? _runner;
        private S3Calls? _calls;
        private S3Lister? _lister;
        private CancellationToken _stop;
        private TimeSpan _lastProgress, _lastSummary;
        private bool _disposed;
        private DateTime _inventoryWritten;
        private long? _inputTotal;

        private CopySession(string workspace, MigrationJournal journal, string migrationId)
        {
            Workspace = workspace; _journal = journal; MigrationId = migrationId;
        }

        public string Workspace { get; }
        public string MigrationId { get; }
        public OperatorMessages Messages { get; } = new OperatorMessages();
        /// <summary>Connected to S3 and ready to copy (<see cref="StartAsync"/> ran).</summary>
        public bool Started => _runner != null;
        /// <summary>The summary says how the run ended and the journal is closed.</summary>
        public bool Finished { get; private set; }
        /// <summary>A whole-run error (a missing bucket, rejected credentials) that stopped the copies; the cmdlet shuts down and stops.</summary>
        public Exception? Fatal => _runner?.Fatal;

        /// <summary>
        /// Opens the workspace: its folder, its journal and its migration id. Throws MigrationException, IOException when
        /// the journal is locked (another copy runs on this workspace) or InvalidDataException when it is malformed.
        /// </summary>
        public static CopySession Open(string workspace)
        {
            AtomicFile.EnsureFolder(workspace);
            var journal = MigrationJournal.Open(workspace);
            CopySession session;
            try { session = new CopySession(workspace, journal, MigrationState.Ensure(workspace).MigrationId); }
            catch { journal.Dispose(); throw; }
            if (journal.TornBytes > 0)
                session.Messages.Warning($"{MigrationJournal.FileName} ended with a row torn by an interrupted run ({journal.TornBytes} bytes); it was cut off. Objects it concerned are checked again.");
            session.Messages.Verbose($"Journal {journal.Path}: {Plural.Of(journal.EarlierRows, "row")} from earlier runs, {Plural.Of(journal.Verified.Count, "object")} verified.");
            session.RefreshTotal();
            return session;
        }

        /// <summary>Connects the run to S3: aborts what an interrupted run left open, then gets ready to copy.</summary>
        /// <param name="where">the endpoint, for messages</param>
        public Task StartAsync(S3Session s3, string where, CopySettings settings, int maxRetries, int throttleLimit, CancellationToken stop) =>
            StartAsync(s3.Client, where, settings, maxRetries, throttleLimit, stop);

        public async Task StartAsync(IAmazonS3 s3, string where, CopySettings settings, int maxRetries, int throttleLimit, CancellationToken stop)
        {
            _stop = stop;
            var retry = new RetryPolicy(maxRetries);
            _calls = new S3Calls(retry);
            settings.MigrationDate = DateTime.UtcNow;
            settings.MigrationId = MigrationId;
            settings.Uploads = new MultipartUploadRecorder(Workspace);
            await AbortUploadsLeftOpenAsync(s3, stop).ConfigureAwait(false);
            _lister = new S3Lister(s3, where, retry);
            var deletedByCleanup = DeletionJournal.Outcomes(Workspace).Values.Where(d => d.IsGone)
                .Select(d => S3Location.TryParse(d.SourcePath)).OfType<S3Location>().ToHashSet();
            var engine = new CopyEngine(s3, settings, _calls, new DestinationCatalog(_lister), _journal.Verified, deletedByCleanup);
            _runner = new BoundedRunner<CopyItem, MigrationResult>(async (item, ct) => Journaled(await engine.CopyAsync(item, ct).ConfigureAwait(false)), throttleLimit, stop);
            _clock.Start();
        }

        /// <summary>
        /// A run killed in the middle of a multipart copy left its upload open (parts billed, invisible in listings): the
        /// workspace's multipart_uploads.csv names it, and it is aborted before anything is copied.
        /// </summary>
        private async Task AbortUploadsLeftOpenAsync(IAmazonS3 s3, CancellationToken stop)
        {
            try
            {
                foreach (var u in await LeftOpenUploads.AbortAsync(s3, Workspace, false, stop).ConfigureAwait(false))
                    Messages.Verbose($"Aborted the multipart upload {u}, which an interrupted run left open.");
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                Messages.Warning($"The multipart uploads an interrupted run left open ({MultipartUploadLog.FileName}) could not be aborted now ({ex.GetBaseException().Message}); the next run tries again.");
            }
        }

        /// <summary>
        /// The run's total from the workspace's inventory (its planned files), read again when the inventory is rewritten:
        /// an inventory streamed into this copy completes only when its listing ends. Without one the total stays unknown.
        /// </summary>
        private void RefreshTotal()
        {
            if (_inputTotal != null) return;
            var path = Path.Combine(Workspace, InventoryChecksumsWriter.FileName);
            var written = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : default;
            if (written == _inventoryWritten) return;
            var planned = InventoryChecksumsWriter.PlannedCount(Workspace);
            // Not yet readable (its report is written just after it): asked again at the next summary.
            if (planned == null && written != default) return;
            _inventoryWritten = written;
            _summary.KnownTotal = planned;
        }

        /// <summary>
        /// The run's total when its input arrived whole (an array given to -InputObject), counted before the first copy. It
        /// is exact, so it wins over the workspace inventory's planned files, which a filtered array would not match.
        /// </summary>
        public void ExpectInput(long count)
        {
            _inputTotal = count;
            _summary.KnownTotal = count;
        }

        /// <summary>The result of an item passed through without a copy (counted, not journaled).</summary>
        public MigrationResult PassThrough(CopyItem item, string why)
        {
            var r = new MigrationResult
            {
                Size = item.Size ?? 0, Md5 = item.Md5, SourceETag = item.ETag, Status = MigrationResultStatus.NotPlanned, Notes = why,
                Timestamp = DateTime.UtcNow, WorkspacePath = Workspace,
            };
            r.TakePlan(item);
            _summary.Add(r);
            return r;
        }

        /// <summary>Counts an item that is to be copied, before it is posted.</summary>
        public void Planned(CopyItem item)
        {
            _summary.Planned();
            foreach (var line in _tally.Started(item)) Messages.Verbose(line);
        }

        /// <summary>See <see cref="BoundedRunner{TItem,TResult}.TryPostAsync"/>.</summary>
        public Task<bool> TryPostAsync(CopyItem item) => _runner!.TryPostAsync(item, Patience);

        /// <summary>See <see cref="BoundedRunner{TItem,TResult}.TryDrainAsync"/>.</summary>
        public Task<bool> TryDrainAsync() => _runner?.TryDrainAsync(Patience) ?? Task.FromResult(true);

        /// <summary>The copies that finished, journaled and counted; for the pipeline unless the run is being stopped (Ctrl+C).</summary>
        public IReadOnlyList<MigrationResult> TakeFinished()
        {
            if (_runner == null) return Array.Empty<MigrationResult>();
            var done = _runner.TakeFinished();
            foreach (var r in done) Record(r);
            return _stop.IsCancellationRequested ? Array.Empty<MigrationResult>() : done;
        }

        /// <summary>
        /// Journals a copy the moment it ends, on the worker that made it, not when the pipeline thread next collects
        /// results: a run killed in between (by kill -9, a reboot) must not leave a copy S3 holds and the journal does
        /// not name, which Undo-Migration could then not find. Appends are serialized: the journal is one file.
        /// </summary>
        private MigrationResult Journaled(MigrationResult r)
        {
            r.WorkspacePath = Workspace;
            if (!r.FromJournal) lock (_journalAppend) _journal.Append(JournalRow.From(r));
            return r;
        }
        private readonly object _journalAppend = new object();

        /// <summary>Counts a finished copy (already journaled by <see cref="Journaled"/>) on the pipeline thread.</summary>
        private void Record(MigrationResult r)
        {
            _summary.Add(r);
            _tally.Ended(r);
        }

        /// <summary>Rewrites the summary every 3 seconds; the progress every quarter second (null in between, and once stopped).</summary>
        public CopyProgress? Tick()
        {
            if (!Started || _stop.IsCancellationRequested) return null;
            if (_clock.Elapsed - _lastSummary > TimeSpan.FromSeconds(3))
            {
                _lastSummary = _clock.Elapsed;
                RefreshTotal();
                WriteSummary();
            }
            if (_clock.Elapsed - _lastProgress < TimeSpan.FromMilliseconds(250)) return null;
            _lastProgress = _clock.Elapsed;
            foreach (var line in _tally.Finished()) Messages.Verbose(line);
            return CopyProgress.Of(_summary, _clock.Elapsed);
        }

        /// <summary>
        /// The end of a run that was not stopped, every copy taken: the last persons, the files filtered out before the
        /// copy, and the summary's "completed"; closes the journal.
        /// </summary>
        public void Complete()
        {
            foreach (var line in _tally.FinishedAll()) Messages.Verbose(line);
            RecordExclusions();
            Finish("completed");
        }

        public string DoneText() =>
            $"Done: {_summary.FilesVerified} verified ({_summary.FilesSkipped} already there), {_summary.FilesFailed} failed, {Plural.Of(_summary.FilesConflict, "conflict")}, "
            + $"{_summary.FilesNotPlanned} not planned; {Plural.Of(_summary.Requests, "S3 request")}, {Plural.Of(_summary.Retries, "retry", "retries")}, {_clock.Elapsed.TotalSeconds:0.0}s. Journal: {_journal.Path}";

        /// <summary>
        /// At the end of a run that was not stopped (the journal still locked by this run): what the workspace's inventory
        /// planned and no run has journaled was held back before it reached this cmdlet, by a filter the operator chose.
        /// It is recorded as such, so Test-MigrationIntegrity reports it Excluded rather than Missing.
        /// </summary>
        private void RecordExclusions()
        {
            try
            {
                var excluded = ExcludedByChoice.Record(Workspace, DateTime.UtcNow);
                if (excluded == null)
                    Messages.Verbose($"The workspace has no inventory ({InventoryChecksumsWriter.FileName}), so files filtered out before Copy-PersonFiles cannot be recorded as " +
                                     "left out by choice; run Get-MigrationInventory with this -WorkspacePath for that.");
                else if (excluded.Count > 0)
                    Messages.Verbose($"{Plural.Of(excluded.Count, "file")} the inventory planned never reached Copy-PersonFiles (filtered out); {ExcludedByChoice.FileName} records them as left out by choice.");
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                // The copies are done and journaled; a record that cannot be written must not turn the run into a failure.
                Messages.Warning($"{ExcludedByChoice.FileName} could not be written ({ex.Message}); Test-MigrationIntegrity will report files filtered out before the copy as Missing.");
            }
        }

        /// <summary>
        /// Cancels the copies in flight and waits for every one of them (each cleans up after itself: multipart uploads
        /// are aborted, unverified writes removed), journals those that completed, then closes the journal. Runs after a
        /// whole-run error ("failed") and when the pipeline ends early, also after Ctrl+C ("cancelled").
        /// </summary>
        public async Task ShutdownAsync(string state)
        {
            if (Finished || !Started) return;
            var known = _runner!.Fatal;
            foreach (var r in await _runner.StopAsync().ConfigureAwait(false)) Record(r);
            // A copy that failed for a reason of its own while the run stopped (its journal row could not be written):
            // said, never swallowed; the next run checks that object again.
            if (known == null && _runner.Fatal is { } late)
                Messages.Warning($"A copy that ended while the run stopped failed: {late.GetBaseException().Message}. The next run checks it again.");
            Finish(state);
        }

        private void Finish(string state)
        {
            if (Finished) return;
            Finished = true;
            RefreshTotal();
            _summary.Finish(state);
            WriteSummary();
            _journal.Dispose();
        }

        private void WriteSummary()
        {
            _summary.Requests = _calls!.Requests + _lister!.Requests;
            _summary.Retries = _calls.Retries;
            try { _summary.Write(Workspace); }
            catch (IOException ex)
            {
                // A reader holding the file open (Windows) must not end the copy; the next write catches up.
                Messages.Warning($"{MigrationSummary.FileName} could not be rewritten this time: {ex.Message}");
            }
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _runner?.Dispose();
            if (!Finished) _journal.Dispose();
        }
    }
}
