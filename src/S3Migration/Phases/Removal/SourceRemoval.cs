using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Model;
using S3Migration.PeopleCsv;
using S3Migration.Phases.Integrity;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Removal
{
    /// <summary>
    /// Deleted: gone, space reclaimed. DeleteMarker: hidden behind a delete marker on a versioned bucket, the verified
    /// version kept as a noncurrent version (recoverable, still billed). Kept: a check failed, nothing was deleted.
    /// Failed: the delete was sent and S3 refused it, or the listing afterwards still shows the object.
    /// </summary>
    public enum RemovalStatus { Deleted, DeleteMarker, Kept, Failed }

    /// <summary>What Remove-MigrationSource did with one source object.</summary>
    public sealed class RemovalResult
    {
        public RemovalStatus Status { get; set; }
        public string Notes { get; set; } = "";
        public string SourceBucket { get; set; } = "";
        public string SourceKey { get; set; } = "";
        public string FileType { get; set; } = "";
        public long Size { get; set; }
        public string SourceETag { get; set; } = "";
        /// <summary>The source version that was checked (and, with -PermanentlyDeleteVersion, deleted); "" on unversioned buckets.</summary>
        public string VersionId { get; set; } = "";
        public string TargetBucket { get; set; } = "";
        public string TargetKey { get; set; } = "";
        public string BackupBucket { get; set; } = "";
        public string BackupKey { get; set; } = "";
        /// <summary>Bytes this deletion gave back, as the listing afterwards confirmed (0 for a delete marker).</summary>
        public long BytesReclaimed { get; set; }
        public DateTime? DeletedAt { get; set; }

        public string SourcePath => JournalRow.S3Path(SourceBucket, SourceKey);
        public override string ToString() => $"{Status} {SourcePath}";

        /// <summary>What the checks found, for the gate (PhaseGates.WhyKeepSource).</summary>
        internal SourceDeletionFacts Facts { get; } = new SourceDeletionFacts();

        internal void AddNote(string note) => Notes = Notes.Length == 0 ? note : Notes + "; " + note;
        internal DeletionRow ToRow() => new DeletionRow
        {
            SourcePath = SourcePath, VersionId = VersionId, FileType = FileType, Size = Size, SourceETag = SourceETag,
            NewPath = TargetKey.Length > 0 ? JournalRow.S3Path(TargetBucket, TargetKey) : "",
            BackupPath = BackupKey.Length > 0 ? JournalRow.S3Path(BackupBucket, BackupKey) : "",
            Status = Status switch
            {
                RemovalStatus.Deleted => DeletionRow.Deleted, RemovalStatus.DeleteMarker => DeletionRow.DeleteMarker,
                RemovalStatus.Kept => DeletionRow.Kept, _ => DeletionRow.Failed,
            },
            Reason = Notes, DeletedAt = DeletedAt,
        };

        /// <summary>The result an intent row of deletion_log.csv stands for, before its outcome is known.</summary>
        internal static RemovalResult FromIntent(DeletionRow row)
        {
            var (sb, sk) = ExpectedCopy.SplitPath(row.SourcePath);
            var (tb, tk) = row.NewPath.Length > 0 ? ExpectedCopy.SplitPath(row.NewPath) : ("", "");
            var (bb, bk) = row.BackupPath.Length > 0 ? ExpectedCopy.SplitPath(row.BackupPath) : ("", "");
            return new RemovalResult
            {
                Status = RemovalStatus.Kept, SourceBucket = sb, SourceKey = sk, VersionId = row.VersionId, FileType = row.FileType, Size = row.Size,
                SourceETag = row.SourceETag, TargetBucket = tb, TargetKey = tk, BackupBucket = bb, BackupKey = bk,
            };
        }
    }

    public sealed class RemovalOptions
    {
        public int GracePeriodDays { get; set; } = 30;
        /// <summary>Skips the grace period only; every safety check still runs.</summary>
        public bool Force { get; set; }
        public bool SkipBackupCheck { get; set; }
        /// <summary>
        /// The people CSV whose URLs the cleanup checks (-CsvPath); null: the one the workspace's migration_state.json
        /// records. Given, it is recorded there (a workspace serves one CSV).
        /// </summary>
        public string? CsvPath { get; set; }
        /// <summary>Deletes without reading the people CSV: a source it still names may be deleted.</summary>
        public bool SkipCsvCheck { get; set; }
        public int BatchSize { get; set; } = 1000;
        public int ThrottleLimit { get; set; } = 16;
        public int MaxRetries { get; set; } = 5;
        public bool PermanentlyDeleteVersion { get; set; }
        /// <summary>Limit the run to these sources (s3://bucket/key); null: every verified source of the journal.</summary>
        public ISet<string>? Only { get; set; }
        /// <summary>-WhatIf: check and report, delete nothing, write nothing.</summary>
        public bool DryRun { get; set; }
        /// <summary>The clock, for the grace period.</summary>
        public DateTime Now { get; set; } = DateTime.UtcNow;
    }

    /// <summary>deletion_summary.json: the run's totals.</summary>
    public sealed class RemovalSummary
    {
        public const string FileName = "deletion_summary.json";
        public int ObjectsDeleted { get; set; }
        public int DeleteMarkers { get; set; }
        public int ObjectsKept { get; set; }
        public int ObjectsFailed { get; set; }
        public long BytesReclaimed { get; set; }
        public SortedDictionary<string, long> BytesByType { get; } = new SortedDictionary<string, long>(StringComparer.Ordinal);
        /// <summary>Every delete S3 accepted was confirmed by listing afterwards.</summary>
        public bool ListingVerified { get; set; }
        /// <summary>A source bucket has (or had) versioning.</summary>
        public bool Versioned { get; set; }
        public DateTime Started { get; set; }
        public DateTime Finished { get; set; }

        public void Write(string workspace) => AtomicFile.Write(Path.Combine(workspace, FileName), stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteNumber("objects_deleted", ObjectsDeleted);
            w.WriteNumber("delete_markers", DeleteMarkers);
            w.WriteNumber("objects_kept", ObjectsKept);
            w.WriteNumber("objects_failed", ObjectsFailed);
            w.WriteNumber("bytes_reclaimed", BytesReclaimed);
            w.WriteStartObject("bytes_by_type");
            foreach (var t in BytesByType) w.WriteNumber(t.Key, t.Value);
            w.WriteEndObject();
            w.WriteBoolean("listing_verified", ListingVerified);
            w.WriteBoolean("versioned", Versioned);
            w.WriteString("started", Started.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
            w.WriteString("finished", Finished.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        });
    }

    /// <summary>The outcome of a run: one result per source decided, the totals, and what the operator should know.</summary>
    public sealed class RemovalRun
    {
        public List<RemovalResult> Results { get; } = new List<RemovalResult>();
        public RemovalSummary Summary { get; } = new RemovalSummary();
        public List<string> Warnings { get; } = new List<string>();
        public List<string> Verbose { get; } = new List<string>();
    }

    /// <summary>
    /// Remove-MigrationSource's work: deletes an old-layout source object only when its latest journal row is verified
    /// and the gate (PhaseGates.WhyKeepSource) lets it, on facts gathered right now: (1) the source is still what was
    /// copied (HEAD: size and ETag as journaled), (2) the destination is identical per IntegrityChecker (the module's
    /// one verification rule), (3) backup_manifest.csv has a verified backup of this very source content whose object
    /// still exists with the manifest's size and ETag (unless SkipBackupCheck), and (4) the people CSV names it in no
    /// cell (unless SkipCsvCheck). Everything else is Kept, with the reason. Deletes go in DeleteObjects batches, each
    /// announced in deletion_log.csv (intent rows, on disk) before it is sent; the listing afterwards confirms each
    /// one, and only confirmed deletions count as reclaimed space. A run first settles the intents an interrupted run
    /// left, against a listing, so the log always says what is gone.
    /// </summary>
    public sealed class SourceRemoval
    {
        public const string ActionWithBackup = "Delete (destination verified, backup verified)";
        public const string ActionWithoutBackup = "Delete (destination verified, backup check skipped with -SkipBackupCheck)";

        private readonly IAmazonS3 _s3;
        private readonly RemovalOptions _o;
        private readonly S3Calls _calls;
        private readonly S3Lister _lister;

        public SourceRemoval(IAmazonS3 s3, RemovalOptions options)
        {
            _s3 = s3; _o = options;
            var retry = new RetryPolicy(options.MaxRetries);
            _calls = new S3Calls(retry);
            _lister = new S3Lister(s3, "the source removal", retry);
        }

        public long Requests => _calls.Requests + _lister.Requests;

        /// <summary>
        /// The candidates: sources whose latest journal row is verified (a later failed or conflicting attempt
        /// withdraws an earlier verification), minus those an earlier run's deletion_log already deleted after that
        /// copy. Sources asked for by <see cref="RemovalOptions.Only"/> that are not candidates come back as Kept.
        /// </summary>
        public static (List<JournalRow> Candidates, List<RemovalResult> NotEligible, int AlreadyDeleted) Candidates(string workspace, ISet<string>? only) =>
            Candidates(workspace, only, DeletionJournal.Read(workspace));

        /// <param name="deletionRows">deletion_log.csv's rows, with the rows that settle an interrupted run's intents</param>
        public static (List<JournalRow> Candidates, List<RemovalResult> NotEligible, int AlreadyDeleted) Candidates(string workspace, ISet<string>? only, IEnumerable<DeletionRow> deletionRows)
        {
            var latest = new Dictionary<string, JournalRow>(StringComparer.Ordinal);
            var order = new List<string>();
            var destinations = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in CopyJournal.Attempts(workspace))
            {
                if (!latest.ContainsKey(r.OldPath)) order.Add(r.OldPath);
                latest[r.OldPath] = r;
                if (r.NewPath.Length > 0) destinations.Add(r.NewPath);
            }
            var deleted = new Dictionary<string, DateTime>(StringComparer.Ordinal);
            foreach (var d in DeletionJournal.Outcomes(deletionRows).Values)
                if (d.IsGone && d.DeletedAt.HasValue) deleted[d.SourcePath] = d.DeletedAt.Value;

            var candidates = new List<JournalRow>();
            var notEligible = new List<RemovalResult>();
            var already = 0;
            foreach (var path in order)
            {
                if (only != null && !only.Contains(path)) continue;
                var r = latest[path];
                if (r.VerificationStatus != JournalRow.Verified)
                {
                    notEligible.Add(Kept(r, $"the journal's latest row for it is '{r.VerificationStatus}', not verified{(r.Error.Length > 0 ? ": " + r.Error : "")}"));
                    continue;
                }
                // A key that some copy wrote to is part of the new layout, never an old source (an in-place migration).
                if (destinations.Contains(path))
                {
                    notEligible.Add(Kept(r, "the key is also a destination of this migration; destinations are never deleted"));
                    continue;
                }
                if (deleted.TryGetValue(path, out var at) && at >= r.Timestamp) { already++; continue; }
                candidates.Add(r);
            }
            if (only != null)
                foreach (var path in only.Where(p => !latest.ContainsKey(p)).OrderBy(p => p, StringComparer.Ordinal))
                {
                    var (b, k) = ExpectedCopy.SplitPath(path);
                    notEligible.Add(new RemovalResult { Status = RemovalStatus.Kept, SourceBucket = b, SourceKey = k, Notes = "not in the workspace's migration_log.csv: it was never copied" });
                }
            return (candidates, notEligible, already);
        }

        /// <summary>
        /// The grace period counts from the newest copy among the candidates, so no source is deleted before every
        /// destination it could be compared with has had the full period of monitoring.
        /// </summary>
        public static void CheckGracePeriod(IReadOnlyCollection<JournalRow> candidates, int days, bool force, DateTime now)
        {
            if (force || candidates.Count == 0) return;
            var newest = candidates.Max(c => c.Timestamp.ToUniversalTime());
            var passes = newest.AddDays(days);
            if (now.ToUniversalTime() < passes)
                throw new MigrationException("GracePeriodNotElapsed", MigrationErrorKind.InvalidArgument,
                    $"The grace period has not passed: the newest of these {candidates.Count} copies was made {newest:yyyy-MM-dd HH:mm:ss}Z, and the {days}-day grace period " +
                    $"passes {passes:yyyy-MM-dd HH:mm:ss}Z. Nothing was read or deleted. Wait until then, or pass -Force to skip the grace period " +
                    "(it skips only the grace period; every safety check still runs), e.g. on a test bucket.", target: newest);
        }

        /// <summary>The backup manifest by "bucket\nkey", or a terminating error when it is needed and missing.</summary>
        public static Dictionary<string, BackupEntry>? LoadManifest(string workspace, bool skip)
        {
            if (skip) return null;
            var entries = BackupManifest.Read(workspace)
                ?? throw new MigrationException("BackupManifestNotFound", MigrationErrorKind.NotFound,
                    $"No {BackupManifest.FileName} in '{workspace}': run Backup-MigrationSource with this -WorkspacePath first, or pass -SkipBackupCheck " +
                    "to delete without a verified backup. Nothing was deleted.", target: BackupManifest.PathIn(workspace));
            var index = new Dictionary<string, BackupEntry>(StringComparer.Ordinal);
            foreach (var e in entries) index[e.SourceBucket + "\n" + e.SourceKey] = e; // the manifest's last row for a source wins
            return index;
        }

        /// <summary>
        /// The people CSV the cleanup checks: -CsvPath (recorded in the workspace, which refuses another CSV than the
        /// one it serves), else the workspace's; null with SkipCsvCheck. None known is a terminating error.
        /// </summary>
        public static string? ResolveCsv(string workspace, string? csvPath, bool skip, bool dryRun)
        {
            if (skip) return null;
            if (csvPath != null)
            {
                var full = System.IO.Path.GetFullPath(csvPath);
                // A mistyped path is never recorded: the workspace would refuse the right one afterwards.
                if (!File.Exists(full))
                    throw new MigrationException("CsvNotFound", MigrationErrorKind.NotFound, $"The people CSV '{full}' does not exist. Check -CsvPath. Nothing was deleted or recorded.", target: full);
                // -WhatIf writes nothing: the state is only asked (RecordCsv refuses another CSV before it writes).
                if (!dryRun || MigrationState.Load(workspace).CsvPath != null) MigrationState.RecordCsv(workspace, full);
                return full;
            }
            var recorded = MigrationState.Load(workspace).CsvPath
                ?? throw new MigrationException("PeopleCsvUnknown", MigrationErrorKind.InvalidArgument,
                    $"The workspace '{workspace}' does not know which people CSV the migration serves, so the cleanup cannot check that no URL still names " +
                    "a source it would delete. Pass -CsvPath with the CSV (it is recorded in the workspace), or -SkipCsvCheck to delete without that check. Nothing was deleted.",
                    target: workspace);
            if (!File.Exists(recorded))
                throw new MigrationException("CsvNotFound", MigrationErrorKind.NotFound,
                    $"The people CSV '{recorded}' that the workspace '{workspace}' serves ({MigrationState.FileName}) does not exist; the cleanup cannot check its URLs. " +
                    "Put it back there, or pass -SkipCsvCheck to delete without that check. Nothing was deleted.", target: recorded);
            return recorded;
        }

        /// <param name="confirm">asked once per source that passed every check, on the calling thread; false keeps it</param>
        /// <param name="progress">called on the calling thread: activity, done, total, bytes so far</param>
        public RemovalRun Run(string workspace, Func<RemovalResult, bool> confirm, Action<string, int, int, long>? progress, CancellationToken ct)
        {
            DeletionJournal? journal = null;
            try { return Run(workspace, confirm, progress, ref journal, ct); }
            finally { journal?.Dispose(); }
        }

        private RemovalRun Run(string workspace, Func<RemovalResult, bool> confirm, Action<string, int, int, long>? progress, ref DeletionJournal? journal, CancellationToken ct)
        {
            var run = new RemovalRun();
            run.Summary.Started = DateTime.UtcNow;
            // Before anything else: what an interrupted run may have deleted is settled against a listing, so the log is true.
            var rows = DeletionJournal.Read(workspace);
            var settled = new List<RemovalResult>();
            if (DeletionJournal.Unsettled(rows).Count > 0)
            {
                if (!_o.DryRun)
                {
                    journal = OpenJournal(workspace);
                    rows = DeletionJournal.Read(workspace); // under the lock: what another run may have settled meanwhile
                }
                settled = Reconcile(run, rows, journal, ct);
            }
            var (candidates, notEligible, already) = Candidates(workspace, _o.Only, rows);
            if (already > 0) run.Verbose.Add($"{already} sources were deleted by an earlier run (deletion_log.csv) and are skipped.");
            CheckGracePeriod(candidates, _o.GracePeriodDays, _o.Force, _o.Now);
            var manifest = LoadManifest(workspace, _o.SkipBackupCheck);
            var csvPath = ResolveCsv(workspace, _o.CsvPath, _o.SkipCsvCheck, _o.DryRun);
            // Opened before any check, so a second run on the same workspace stops here, not after its checks.
            if (!_o.DryRun) journal ??= OpenJournal(workspace);
            run.Results.AddRange(notEligible);
            if (_o.SkipBackupCheck) run.Warnings.Add("-SkipBackupCheck: sources are deleted without a verified backup; only the destination copy will remain.");
            if (_o.SkipCsvCheck) run.Warnings.Add("-SkipCsvCheck: the people CSV was not read; a source whose URL the application still serves may be deleted, and that URL then answers 404.");

            var versioning = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var bucket in candidates.Select(c => ExpectedCopy.SplitPath(c.OldPath).Bucket).Distinct(StringComparer.Ordinal))
                versioning[bucket] = Versioning(bucket, ct);
            run.Summary.Versioned |= versioning.Values.Any(v => v.Length > 0);
            run.Verbose.Add($"Checking {candidates.Count} verified sources now: the source, the destination{(manifest != null ? " and the backup" : "")} of each.");
            progress?.Invoke("Checking sources, destinations and backups", 0, candidates.Count, 0);

            var checkedResults = CheckAll(candidates, manifest, versioning, ct);
            // The people CSV is read last, just before the deletions: a URL the application still serves keeps its source.
            if (csvPath != null)
            {
                run.Verbose.Add($"Reading the people CSV '{csvPath}' for URLs that still name a source.");
                var named = CsvUrlReferences.InFile(csvPath, checkedResults.Select(r => r.SourcePath).ToList())
                    .GroupBy(u => u.ObjectPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<CsvUrlReference>)g.ToList(), StringComparer.Ordinal);
                foreach (var r in checkedResults)
                    r.Facts.CsvReferences = named.TryGetValue(r.SourcePath, out var refs) ? refs : Array.Empty<CsvUrlReference>();
            }
            var ready = new List<RemovalResult>();
            foreach (var r in checkedResults)
            {
                r.Facts.BackupCheckSkipped = manifest == null;
                r.Facts.CsvCheckSkipped = _o.SkipCsvCheck;
                var why = PhaseGates.WhyKeepSource(r.Facts);
                if (why != null) { r.Status = RemovalStatus.Kept; r.Notes = why; run.Results.Add(r); continue; }
                if (confirm(r)) { ready.Add(r); continue; }
                if (_o.DryRun) continue; // -WhatIf: ShouldProcess already said what would be deleted
                r.Status = RemovalStatus.Kept;
                r.Notes = "not confirmed: the operator declined the deletion";
                run.Results.Add(r);
            }
            if (_o.DryRun)
            {
                Count(run);
                return run;
            }

            foreach (var r in run.Results) journal!.Append(r.ToRow());
            run.Results.AddRange(settled); // logged when they were settled; they count in this run's totals
            var deletedBytes = 0L;
            var done = 0;
            foreach (var bucket in ready.GroupBy(r => r.SourceBucket, StringComparer.Ordinal))
            {
                var versioned = versioning[bucket.Key].Length > 0;
                foreach (var batch in bucket.Select((r, i) => (r, i)).GroupBy(x => x.i / _o.BatchSize, x => x.r))
                {
                    ct.ThrowIfCancellationRequested();
                    var items = batch.ToList();
                    // The intent is on disk before the request leaves: a kill at any moment after it leaves a row for each key.
                    journal!.AppendIntents(items.Select(r =>
                    {
                        var intent = r.ToRow();
                        intent.Reason = $"announced: a DeleteObjects request of {items.Count} keys is about to be sent; a later row gives the outcome";
                        return intent;
                    }));
                    DeleteBatch(bucket.Key, items, versioned, ct);
                    foreach (var r in items) { journal.Append(r.ToRow()); run.Results.Add(r); if (r.Status != RemovalStatus.Failed) deletedBytes += r.Size; }
                    journal.Sync();
                    done += items.Count;
                    progress?.Invoke("Deleting", done, ready.Count, deletedBytes);
                }
            }

            // Only what a listing no longer shows counts: S3 accepting a delete is not proof the bytes are gone.
            progress?.Invoke("Listing to confirm the deletions", done, ready.Count, deletedBytes);
            var accepted = ready.Where(r => r.Status != RemovalStatus.Failed).ToList();
            foreach (var bucket in accepted.GroupBy(r => r.SourceBucket, StringComparer.Ordinal))
            {
                var versioned = versioning[bucket.Key].Length > 0;
                foreach (var r in VerifyByListing(bucket.Key, bucket.ToList(), versioned, ct))
                    journal!.Append(r.ToRow()); // a correction row: the listing disagreed with what DeleteObjects answered
            }
            // True when every delete S3 accepted is confirmed by the listing (so also when nothing was deleted).
            run.Summary.ListingVerified = accepted.All(r => r.Status != RemovalStatus.Failed);
            if (ready.Any(r => r.Status == RemovalStatus.DeleteMarker))
                run.Warnings.Add($"{ready.Count(r => r.Status == RemovalStatus.DeleteMarker)} sources on a versioned bucket now have a delete marker; their verified versions " +
                                 "remain as noncurrent versions (recoverable, still billed, 0 bytes reclaimed). A NoncurrentVersionExpiration lifecycle rule, " +
                                 "or a run with -PermanentlyDeleteVersion, reclaims the space.");
            Count(run);
            run.Summary.Write(workspace);
            return run;
        }

        /// <summary>
        /// Settles the intents of an interrupted run (deleting rows no outcome follows) against a listing: gone (or, on a
        /// versioned bucket, the checked version gone or hidden by a delete marker) is logged as deleted (delete_marker),
        /// and comes back to count in this run's results; still there was not deleted, is logged so, and is a candidate
        /// again. Adds the settling rows to <paramref name="rows"/>; writes them unless this is a dry run.
        /// </summary>
        private List<RemovalResult> Reconcile(RemovalRun run, List<DeletionRow> rows, DeletionJournal? journal, CancellationToken ct)
        {
            var results = new List<RemovalResult>();
            var unsettled = DeletionJournal.Unsettled(rows);
            if (unsettled.Count == 0) return results;
            const string Stopped = "a run that stopped before it logged the outcome of its DeleteObjects request";
            var gone = 0;
            foreach (var bucket in unsettled.Select(RemovalResult.FromIntent).GroupBy(r => r.SourceBucket, StringComparer.Ordinal))
            {
                var items = bucket.ToList();
                var versioned = Versioning(bucket.Key, ct).Length > 0;
                run.Summary.Versioned |= versioned;
                var now = DateTime.UtcNow;
                foreach (var (r, state) in ListingState(bucket.Key, items, versioned, ct))
                {
                    switch (state)
                    {
                        case ListedAs.Gone:
                            r.Status = RemovalStatus.Deleted; r.BytesReclaimed = r.Size; r.DeletedAt = now;
                            r.Notes = $"deleted by {Stopped}; a listing when this run started no longer shows {(versioned && r.VersionId.Length > 0 ? "the checked version" : "it")}";
                            break;
                        case ListedAs.HiddenByDeleteMarker:
                            r.Status = RemovalStatus.DeleteMarker; r.DeletedAt = now;
                            r.Notes = $"hidden behind a delete marker by {Stopped}; the verified version {r.VersionId} remains as a noncurrent version";
                            break;
                        default:
                            r.Status = RemovalStatus.Kept;
                            r.Notes = $"not deleted: {Stopped} meant to delete it, but a listing when this run started still shows it; it is checked again";
                            break;
                    }
                    var row = r.ToRow();
                    rows.Add(row);
                    journal?.Append(row);
                    if (r.Status == RemovalStatus.Kept) continue;
                    gone++;
                    results.Add(r);
                }
            }
            journal?.Sync();
            run.Verbose.Add($"Settled {unsettled.Count} deletions an interrupted run had announced in {DeletionJournal.FileName}: {gone} gone by a listing now, " +
                            $"{unsettled.Count - gone} still there (not deleted; checked again)." + (_o.DryRun ? " -WhatIf: not written to the log." : ""));
            return results;
        }

        private enum ListedAs { Present, Gone, HiddenByDeleteMarker }

        /// <summary>Where each source stands in a listing of its folder: still there, gone, or (versioned) hidden behind a delete marker.</summary>
        private IEnumerable<(RemovalResult, ListedAs)> ListingState(string bucket, List<RemovalResult> items, bool versioned, CancellationToken ct)
        {
            var folders = items.Select(r => r.SourceKey.Substring(0, r.SourceKey.LastIndexOf('/') + 1)).Distinct(StringComparer.Ordinal).ToList();
            if (!versioned)
            {
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var f in folders) foreach (var o in _lister.ListObjects(bucket, f, ct)) keys.Add(o.Key);
                return items.Select(r => (r, keys.Contains(r.SourceKey) ? ListedAs.Present : ListedAs.Gone)).ToList();
            }
            var versions = new Dictionary<string, List<S3ObjectVersion>>(StringComparer.Ordinal);
            foreach (var f in folders)
                foreach (var v in ListVersions(bucket, f, ct))
                {
                    if (!versions.TryGetValue(v.Key, out var list)) versions[v.Key] = list = new List<S3ObjectVersion>();
                    list.Add(v);
                }
            return items.Select(r =>
            {
                versions.TryGetValue(r.SourceKey, out var list);
                list ??= new List<S3ObjectVersion>();
                var latest = list.FirstOrDefault(v => v.IsLatest == true);
                var checkedVersion = r.VersionId.Length > 0 ? list.FirstOrDefault(v => v.VersionId == r.VersionId && v.IsDeleteMarker != true) : latest;
                if (latest == null || (r.VersionId.Length > 0 && checkedVersion == null)) return (r, ListedAs.Gone);
                return (r, latest.IsDeleteMarker == true ? ListedAs.HiddenByDeleteMarker : ListedAs.Present);
            }).ToList();
        }

        private static DeletionJournal OpenJournal(string workspace)
        {
            try { return DeletionJournal.Open(workspace); }
            catch (IOException ex)
            {
                throw new MigrationException("DeletionLogInUse", MigrationErrorKind.ResourceUnavailable,
                    $"{DeletionJournal.FileName} in '{workspace}' could not be opened for writing ({ex.Message}); is another Remove-MigrationSource running on this workspace? Nothing was deleted.",
                    ex, DeletionJournal.PathIn(workspace));
            }
        }

        private static void Count(RemovalRun run)
        {
            var s = run.Summary;
            s.ObjectsDeleted = run.Results.Count(r => r.Status == RemovalStatus.Deleted);
            s.DeleteMarkers = run.Results.Count(r => r.Status == RemovalStatus.DeleteMarker);
            s.ObjectsKept = run.Results.Count(r => r.Status == RemovalStatus.Kept);
            s.ObjectsFailed = run.Results.Count(r => r.Status == RemovalStatus.Failed);
            foreach (var r in run.Results.Where(r => r.BytesReclaimed > 0))
            {
                var type = r.FileType.Length > 0 ? r.FileType : FileTypeMap.Unknown;
                s.BytesByType.TryGetValue(type, out var b);
                s.BytesByType[type] = b + r.BytesReclaimed;
                s.BytesReclaimed += r.BytesReclaimed;
            }
            s.Finished = DateTime.UtcNow;
        }

        /// <summary>"" when the bucket was never versioned, else Enabled or Suspended.</summary>
        private string Versioning(string bucket, CancellationToken ct)
        {
            try
            {
                var r = _calls.Run(() => _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }, ct), new StrongBox<int>(), ct).GetAwaiter().GetResult();
                var status = r.VersioningConfig?.Status?.Value ?? "";
                return status == "Enabled" || status == "Suspended" ? status : "";
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                throw S3Errors.ForBucket(ex, bucket, "the source removal");
            }
        }

        private List<RemovalResult> CheckAll(List<JournalRow> candidates, Dictionary<string, BackupEntry>? manifest, Dictionary<string, string> versioning, CancellationToken ct)
        {
            var results = candidates.Select(c =>
            {
                var (sb, sk) = ExpectedCopy.SplitPath(c.OldPath);
                var (tb, tk) = ExpectedCopy.SplitPath(c.NewPath);
                return new RemovalResult
                {
                    Status = RemovalStatus.Deleted, SourceBucket = sb, SourceKey = sk, TargetBucket = tb, TargetKey = tk, FileType = c.FileType,
                    Size = c.Size, SourceETag = ETag.Clean(c.SourceETag),
                };
            }).ToList();

            // The destination, by the module's one rule for "verified" (VerificationRule through IntegrityChecker: size, the
            // ETag as verified, content, headers and user metadata, tags, naming), against what the journal recorded.
            // Sources are checked below by HEAD, which also gives the version id to delete.
            var expected = candidates.Select(r => r.ToExpectedCopy()).ToList();
            var checker = new IntegrityChecker(_s3, "the source removal", new IntegrityOptions { SkipSourceCheck = true, ReadTags = true, ThrottleLimit = _o.ThrottleLimit });
            var destination = new Dictionary<string, IntegrityResult>(StringComparer.Ordinal);
            foreach (var d in checker.CheckAsync(expected, ct).GetAwaiter().GetResult().Results.Where(d => d.Status != IntegrityStatus.Unexpected))
                destination[d.SourceBucket + "\n" + d.SourceKey] = d;

            var backups = manifest != null ? ListBackups(results, manifest, ct) : null;

            using (var slots = new SemaphoreSlim(_o.ThrottleLimit))
                Task.WhenAll(results.Select(async (r, i) =>
                {
                    await slots.WaitAsync(ct).ConfigureAwait(false);
                    try { await CheckOneAsync(r, candidates[i], destination, manifest, backups, versioning[r.SourceBucket].Length > 0, ct).ConfigureAwait(false); }
                    finally { slots.Release(); }
                })).GetAwaiter().GetResult();
            return results;
        }

        /// <summary>
        /// Gathers the facts of one source for the gate, in the gate's order, stopping at the first that fails (the
        /// gate reports that one): the source unchanged, the destination identical, the backup verified.
        /// </summary>
        private async Task CheckOneAsync(RemovalResult r, JournalRow row, Dictionary<string, IntegrityResult> destination, Dictionary<string, BackupEntry>? manifest,
            Dictionary<string, SourceObject>? backups, bool versioned, CancellationToken ct)
        {
            var f = r.Facts;
            try
            {
                // 1. The source: still there and still what was copied.
                if (r.SourceETag.Length == 0) { f.Source = GateCheck.Failed("the journal has no source ETag for it, so it cannot be proven unchanged since the copy"); return; }
                GetObjectMetadataResponse? head;
                try
                {
                    head = await _calls.Run(() => _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = r.SourceBucket, Key = r.SourceKey }, ct),
                        new StrongBox<int>(), ct).ConfigureAwait(false);
                }
                catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound) { head = null; }
                if (head == null) { f.Source = GateCheck.Failed("the source no longer exists; nothing to delete"); return; }
                var source = ObjectHead.FromResponse(head);
                if (versioned) r.VersionId = head.VersionId ?? "";
                if (VerificationRule.SourceChangeSinceCopy(row, source) is { } changed)
                {
                    f.Source = GateCheck.Failed("the source changed since the copy " + changed);
                    return;
                }
                if (versioned && _o.PermanentlyDeleteVersion && r.VersionId.Length == 0)
                    { f.Source = GateCheck.Failed("-PermanentlyDeleteVersion: the HEAD gave no version id, so the checked version cannot be named in the delete"); return; }
                f.Source = GateCheck.Passed;

                // 2. The destination, identical now.
                var dst = JournalRow.S3Path(r.TargetBucket, r.TargetKey);
                if (!destination.TryGetValue(r.SourceBucket + "\n" + r.SourceKey, out var d))
                    { f.Destination = GateCheck.Failed($"the destination {dst} could not be checked"); return; }
                if (d.Status != IntegrityStatus.Verified) { f.Destination = GateCheck.Failed($"the destination {dst} is not identical to the source: {d.Reason}"); return; }
                f.Destination = GateCheck.Passed;

                // 3. The backup: a verified manifest row for this very content, and the backup object as the manifest says.
                if (manifest == null) return;
                f.Backup = Backup(r, row, manifest, backups);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                var why = GateCheck.Failed("could not be checked: " + (ex is AmazonS3Exception s3 ? $"{(int)s3.StatusCode} {s3.ErrorCode}" : ex.GetBaseException().Message));
                if (f.Source == null) f.Source = why;
                else if (f.Destination == null) f.Destination = why;
                else f.Backup = why;
            }
        }

        private static GateCheck Backup(RemovalResult r, JournalRow row, Dictionary<string, BackupEntry> manifest, Dictionary<string, SourceObject>? backups)
        {
            if (!manifest.TryGetValue(r.SourceBucket + "\n" + r.SourceKey, out var b)) return GateCheck.Failed("no verified backup: the backup manifest has no row for it");
            r.BackupBucket = b.BackupBucket; r.BackupKey = b.BackupKey;
            if (!b.IsVerified) return GateCheck.Failed($"no verified backup: the manifest row is '{b.Status}'{(b.Notes.Length > 0 ? ": " + b.Notes : "")}");
            if (b.Size != row.Size || ETag.Clean(b.SourceETag) != r.SourceETag)
                return GateCheck.Failed($"no verified backup: the manifest backed up other content (size {b.Size}, ETag {ETag.Clean(b.SourceETag)})");
            if (b.BackupBucket == r.SourceBucket && b.BackupKey == r.SourceKey) return GateCheck.Failed("no verified backup: the manifest names the source itself as its backup");
            var bp = JournalRow.S3Path(b.BackupBucket, b.BackupKey);
            if (backups == null || !backups.TryGetValue(b.BackupBucket + "\n" + b.BackupKey, out var live)) return GateCheck.Failed($"no verified backup: {bp} does not exist");
            if (live.Size != b.Size || ETag.Clean(live.ETag) != ETag.Clean(b.BackupETag))
                return GateCheck.Failed($"no verified backup: {bp} is {live.Size} bytes, ETag {ETag.Clean(live.ETag)}; the manifest recorded {b.Size} bytes, ETag {ETag.Clean(b.BackupETag)}");
            return GateCheck.Passed;
        }

        /// <summary>The backup objects, one listing per backup folder (cheaper than a HEAD each).</summary>
        private Dictionary<string, SourceObject> ListBackups(List<RemovalResult> results, Dictionary<string, BackupEntry> manifest, CancellationToken ct)
        {
            var folders = new HashSet<(string Bucket, string Folder)>();
            foreach (var r in results)
                if (manifest.TryGetValue(r.SourceBucket + "\n" + r.SourceKey, out var b) && b.BackupBucket.Length > 0)
                    folders.Add((b.BackupBucket, b.BackupKey.Substring(0, b.BackupKey.LastIndexOf('/') + 1)));
            var index = new Dictionary<string, SourceObject>(StringComparer.Ordinal);
            foreach (var (bucket, folder) in folders)
            {
                try
                {
                    foreach (var o in _lister.ListObjects(bucket, folder, ct).Where(o => o.Key.IndexOf('/', folder.Length) < 0))
                        index[bucket + "\n" + o.Key] = o;
                }
                catch (MigrationException) { /* a missing backup bucket: every backup in it is missing, and each source is kept */ }
            }
            return index;
        }

        /// <summary>
        /// One DeleteObjects request. Versioned buckets: by default without a version id, so S3 adds a delete marker and
        /// keeps the checked version (and a version written since the check) as noncurrent; with
        /// PermanentlyDeleteVersion, exactly the checked version id, so a newer version is never touched. Unversioned
        /// buckets have no version id and DeleteObjects has no If-Match: the check just before is the guard.
        /// </summary>
        private void DeleteBatch(string bucket, List<RemovalResult> items, bool versioned, CancellationToken ct)
        {
            var request = new DeleteObjectsRequest { BucketName = bucket, Quiet = false, Objects = new List<KeyVersion>() };
            foreach (var r in items)
                request.Objects.Add(versioned && _o.PermanentlyDeleteVersion && r.VersionId.Length > 0
                    ? new KeyVersion { Key = r.SourceKey, VersionId = r.VersionId }
                    // Conditional on the ETag the check saw (S3's conditional delete): a source rewritten between the
                    // check and this request is refused for that key (PreconditionFailed), not deleted.
                    : new KeyVersion { Key = r.SourceKey, ETag = "\"" + ETag.Clean(r.SourceETag) + "\"" });
            DeleteObjectsResponse response;
            try
            {
                response = _calls.Run(async () =>
                {
                    // The SDK throws when some keys failed; their errors are in the response, the rest were deleted.
                    try { return await _s3.DeleteObjectsAsync(request, ct).ConfigureAwait(false); }
                    catch (DeleteObjectsException ex) { return ex.Response; }
                }, new StrongBox<int>(), ct).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                var why = ex is AmazonS3Exception s3 ? $"{(int)s3.StatusCode} {s3.ErrorCode}" : ex.GetBaseException().Message;
                foreach (var r in items) { r.Status = RemovalStatus.Failed; r.Notes = "DeleteObjects failed: " + why; }
                return;
            }
            var now = DateTime.UtcNow;
            var errors = (response.DeleteErrors ?? new List<DeleteError>()).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var deleted = (response.DeletedObjects ?? new List<DeletedObject>()).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var r in items)
            {
                if (errors.TryGetValue(r.SourceKey, out var e)) { r.Status = RemovalStatus.Failed; r.Notes = $"S3 refused the delete: {e.Code} {e.Message}".TrimEnd(); continue; }
                if (!deleted.TryGetValue(r.SourceKey, out var ok)) { r.Status = RemovalStatus.Failed; r.Notes = "DeleteObjects did not answer for this key"; continue; }
                r.DeletedAt = now;
                if (versioned && !_o.PermanentlyDeleteVersion)
                {
                    r.Status = RemovalStatus.DeleteMarker;
                    r.Notes = $"a delete marker now hides it; the verified version {r.VersionId} remains as a noncurrent version";
                }
                else
                {
                    r.Status = RemovalStatus.Deleted;
                    r.Notes = versioned ? $"version {r.VersionId} permanently deleted" : "deleted";
                }
            }
        }

        /// <summary>
        /// Lists each folder of the deleted keys again and settles each result: gone (or, versioned, the checked
        /// version gone) is Deleted with its bytes reclaimed; a delete marker over the kept version is DeleteMarker;
        /// still there is Failed. Returns the results the listing changed.
        /// </summary>
        private List<RemovalResult> VerifyByListing(string bucket, List<RemovalResult> items, bool versioned, CancellationToken ct)
        {
            var changed = new List<RemovalResult>();
            var folders = items.Select(r => r.SourceKey.Substring(0, r.SourceKey.LastIndexOf('/') + 1)).Distinct(StringComparer.Ordinal).ToList();
            if (!versioned)
            {
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var f in folders) foreach (var o in _lister.ListObjects(bucket, f, ct)) keys.Add(o.Key);
                foreach (var r in items)
                {
                    if (keys.Contains(r.SourceKey)) { Fail(r, "still listed after the delete (rewritten since the check?)"); changed.Add(r); }
                    else r.BytesReclaimed = r.Size;
                }
                return changed;
            }
            var versions = new Dictionary<string, List<S3ObjectVersion>>(StringComparer.Ordinal);
            foreach (var f in folders)
                foreach (var v in ListVersions(bucket, f, ct))
                {
                    if (!versions.TryGetValue(v.Key, out var list)) versions[v.Key] = list = new List<S3ObjectVersion>();
                    list.Add(v);
                }
            foreach (var r in items)
            {
                versions.TryGetValue(r.SourceKey, out var list);
                list ??= new List<S3ObjectVersion>();
                var latest = list.FirstOrDefault(v => v.IsLatest == true);
                var checkedVersion = list.FirstOrDefault(v => v.VersionId == r.VersionId && v.IsDeleteMarker != true);
                var others = list.Count(v => v.IsDeleteMarker != true && v.VersionId != r.VersionId);
                var before = r.Status;
                if (_o.PermanentlyDeleteVersion)
                {
                    if (checkedVersion != null) { Fail(r, $"the listing after the delete still shows version {r.VersionId}"); changed.Add(r); continue; }
                    r.BytesReclaimed = r.Size;
                    if (latest != null && latest.IsDeleteMarker != true) r.AddNote("a version written after the check is the current version and was not deleted");
                    if (others > 0) r.AddNote($"{others} other versions of the key left in place (not deleted)");
                }
                else if (latest != null && latest.IsDeleteMarker != true)
                    Fail(r, "the listing after the delete shows a current version, not a delete marker");
                else if (checkedVersion != null)
                {
                    r.Status = RemovalStatus.DeleteMarker;
                    if (others > 0) r.AddNote($"{others} other noncurrent versions of the key remain too");
                }
                else
                {
                    // The checked version is gone: on a suspended bucket the delete marker replaces the "null" version.
                    r.Status = RemovalStatus.Deleted;
                    r.Notes = $"the verified version {(r.VersionId.Length > 0 ? r.VersionId : "null")} is gone; a delete marker is the latest version";
                    r.BytesReclaimed = r.Size;
                }
                if (r.Status != before) changed.Add(r);
            }
            return changed;
        }

        private static void Fail(RemovalResult r, string why) { r.Status = RemovalStatus.Failed; r.Notes = why; r.BytesReclaimed = 0; }

        private IEnumerable<S3ObjectVersion> ListVersions(string bucket, string prefix, CancellationToken ct)
        {
            string? keyMarker = null, versionMarker = null;
            while (true)
            {
                var request = new ListVersionsRequest { BucketName = bucket, Prefix = prefix, KeyMarker = keyMarker, VersionIdMarker = versionMarker, Encoding = EncodingType.Url };
                var page = _calls.Run(() => _s3.ListVersionsAsync(request, ct), new StrongBox<int>(), ct).GetAwaiter().GetResult();
                var decode = page.Encoding == EncodingType.Url;
                foreach (var v in page.Versions ?? new List<S3ObjectVersion>())
                {
                    if (decode) v.Key = WebUtility.UrlDecode(v.Key ?? "");
                    yield return v;
                }
                if (page.IsTruncated != true) yield break;
                keyMarker = decode ? WebUtility.UrlDecode(page.NextKeyMarker ?? "") : page.NextKeyMarker;
                versionMarker = page.NextVersionIdMarker;
            }
        }

        /// <summary>The result a journal row gets when it is not a candidate.</summary>
        private static RemovalResult Kept(JournalRow r, string why)
        {
            var (sb, sk) = ExpectedCopy.SplitPath(r.OldPath);
            var (tb, tk) = ExpectedCopy.SplitPath(r.NewPath);
            return new RemovalResult
            {
                Status = RemovalStatus.Kept, Notes = why, SourceBucket = sb, SourceKey = sk, TargetBucket = tb, TargetKey = tk, FileType = r.FileType,
                Size = r.Size, SourceETag = ETag.Clean(r.SourceETag),
            };
        }
    }
}
