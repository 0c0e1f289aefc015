using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.Phases.Copy;
using S3Migration.Reports;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Backup
{
    /// <summary>What Backup-MigrationSource backs up, where to, and how.</summary>
    public sealed class BackupOptions
    {
        public string SourceBucket { get; set; } = "";
        /// <summary>An S3 listing prefix, taken as it is ("media" also covers "media2/").</summary>
        public string SourcePrefix { get; set; } = "";
        public string BackupBucket { get; set; } = "";
        /// <summary>Put in front of every source key; ends with '/' unless empty (see <see cref="SourceBackup.NormalizePrefix"/>).</summary>
        public string BackupPrefix { get; set; } = "";
        /// <summary>GLACIER, DEEP_ARCHIVE or GLACIER_IR.</summary>
        public string StorageClass { get; set; } = "GLACIER";
        /// <summary>When set, copies are written in STANDARD and a lifecycle rule moves them to StorageClass after this many days.</summary>
        public int? TransitionAfterDays { get; set; }
        public string Workspace { get; set; } = "";
        public int ThrottleLimit { get; set; } = 16;
        public long MultipartThreshold { get; set; } = CopySettings.SingleRequestLimit;
        public long PartSize { get; set; } = 256L * 1024 * 1024;

        /// <summary>The class the copies are written in.</summary>
        public string WriteClass => TransitionAfterDays.HasValue ? "STANDARD" : StorageClass;
        public string SourceUrl => $"s3://{SourceBucket}/{SourcePrefix}";
        public string BackupUrl => $"s3://{BackupBucket}/{BackupPrefix}";
    }

    /// <summary>Counts so far, for Write-Progress.</summary>
    public sealed class BackupProgress
    {
        public int Total { get; set; }
        public int Done { get; set; }
        public int Verified { get; set; }
        public int Skipped { get; set; }
        public int Failed { get; set; }
        public long Bytes { get; set; }
        public TimeSpan Elapsed { get; set; }
    }

    /// <summary>What a backup run ended with: the manifest rows and the completion check's figures.</summary>
    public sealed class BackupOutcome
    {
        public List<BackupEntry> Entries { get; } = new List<BackupEntry>();
        /// <summary>Objects the copy verified but the completion check did not (the backup changed or vanished since).</summary>
        public List<BackupResult> LateFailures { get; } = new List<BackupResult>();
        public string? LifecycleRuleId { get; set; }
        public int? TransitionAfterDays { get; set; }
        /// <summary>The lifecycle rule as read back (with -TransitionAfterDays), or null.</summary>
        public LifecycleOutcome? Lifecycle { get; set; }
        /// <summary>Backup objects per storage class, as the completion listing showed them.</summary>
        public SortedDictionary<string, long> StorageClasses { get; } = new SortedDictionary<string, long>(StringComparer.Ordinal);
        /// <summary>
        /// The class every listed backup object is in now ("mixed" when they differ, "" when none is listed): with
        /// -TransitionAfterDays it is STANDARD until the lifecycle rule has moved them, never the target class before.
        /// </summary>
        public string StorageClassNow => StorageClasses.Count == 1 ? StorageClasses.Keys.First() : StorageClasses.Count == 0 ? "" : "mixed";
        /// <summary>Backup objects the lifecycle rule would leave in STANDARD on Amazon S3, and why (LifecycleRules.LeftInStandard).</summary>
        public int NotTransitioned { get; set; }
        public string NotTransitionedReason { get; set; } = "";
        public long SourceObjects { get; set; }
        public long SourceBytes { get; set; }
        /// <summary>Source objects whose backup key exists in the backup location (listed after the copies).</summary>
        public long BackedUpObjects { get; set; }
        public long BackedUpBytes { get; set; }
        public long Verified { get; set; }
        public long Failed { get; set; }
        /// <summary>Every source object has a verified backup, and counts and bytes match.</summary>
        public bool Complete => Verified == SourceObjects && Failed == 0 && BackedUpObjects == SourceObjects && BackedUpBytes == SourceBytes;
        public DateTime Started { get; set; }
        public DateTime Finished { get; set; }
        public long Requests { get; set; }
        public int Retries { get; set; }
        public int EarlierJournalRows { get; set; }
        public long TornJournalBytes { get; set; }
        /// <summary>Objects under the backup location that belong to no current source object (say, of deleted sources).</summary>
        public long ExtraBackupObjects { get; set; }
    }

    /// <summary>
    /// A full backup of a source bucket and prefix into a backup bucket or prefix, in a cold storage class. Keys are
    /// kept (backup key = backup prefix + source key), so a restore is a copy back. The copies are the copy engine's
    /// (server-side, compared when already there, verified, retried once, unverified writes removed); their journal is
    /// backup_log.csv, so a re-run skips what an earlier run verified without copying it again. After the copies the
    /// backup location is listed and every source object must have its backup with the verified size and ETag: the
    /// backup's body is never read, since GLACIER and DEEP_ARCHIVE objects cannot be read until restored.
    /// </summary>
    public sealed class SourceBackup
    {
        public const string JournalFileName = "backup_log.csv";
        public static readonly string[] ColdClasses = { "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR" };
        private const int MaxKeyBytes = 1024;

        private readonly IAmazonS3 _s3;
        private readonly BackupOptions _o;
        private readonly RetryPolicy _retry;
        private readonly S3Calls _calls;
        private readonly S3Lister _lister;

        public SourceBackup(IAmazonS3 s3, string where, BackupOptions options, int maxRetries)
        {
            _s3 = s3; _o = options;
            _retry = new RetryPolicy(maxRetries);
            _calls = new S3Calls(_retry);
            _lister = new S3Lister(s3, where, _retry);
        }

        public BackupOptions Options => _o;

        /// <summary>A backup prefix ends with '/', so "backups/2025" puts keys under "backups/2025/", not "backups/2025media/".</summary>
        public static string NormalizePrefix(string? prefix) =>
            string.IsNullOrEmpty(prefix) ? "" : prefix!.EndsWith("/", StringComparison.Ordinal) ? prefix! : prefix + "/";

        public static string BackupKey(BackupOptions o, string sourceKey) => o.BackupPrefix + sourceKey;

        /// <summary>
        /// Refuses a backup location the source listing would include, or that would include the source: the backup would
        /// back up itself on the next run, and a restore would overwrite the backup. Prefixes compare as S3 lists them
        /// (plain string prefixes), so "media" and "media-backup/" overlap.
        /// </summary>
        public static void CheckLocations(BackupOptions o)
        {
            if (!ColdClasses.Contains(o.StorageClass))
                throw new MigrationException("InvalidStorageClass", MigrationErrorKind.InvalidArgument,
                    $"-StorageClass '{o.StorageClass}' is not a backup class; use GLACIER, DEEP_ARCHIVE or GLACIER_IR.");
            if (o.BackupPrefix.StartsWith("/", StringComparison.Ordinal))
                throw new MigrationException("InvalidBackupPrefix", MigrationErrorKind.InvalidArgument,
                    $"-BackupPrefix '{o.BackupPrefix}' starts with '/': S3 keys have no leading slash, and the SDK cannot copy from such keys. Drop the leading '/'.");
            if (o.TransitionAfterDays is int d && d < 0)
                throw new MigrationException("InvalidTransitionDays", MigrationErrorKind.InvalidArgument, "-TransitionAfterDays must be 0 or more.");
            if (o.SourceBucket != o.BackupBucket) return;
            var backup = o.BackupPrefix + o.SourcePrefix; // where the backups of this source land
            if (backup.StartsWith(o.SourcePrefix, StringComparison.Ordinal) || o.SourcePrefix.StartsWith(o.BackupPrefix, StringComparison.Ordinal))
                throw new MigrationException("BackupOverlapsSource", MigrationErrorKind.InvalidArgument,
                    $"The backup location {o.BackupUrl} overlaps the source {o.SourceUrl}: in one bucket, neither prefix may start with the other "
                    + "(or the backup would back itself up, and a restore would overwrite it). Pass -BackupBucket of another bucket, or a -BackupPrefix outside -SourcePrefix "
                    + "(with an empty -SourcePrefix, the source is the whole bucket: use another bucket).", target: o.BackupUrl);
        }

        /// <summary>Both buckets exist and can be listed; a terminating MigrationException (BucketNotFound, AccessDenied, ...) otherwise.</summary>
        public void CheckBuckets(CancellationToken ct)
        {
            _lister.CheckBucket(_o.SourceBucket, ct);
            if (_o.BackupBucket != _o.SourceBucket) _lister.CheckBucket(_o.BackupBucket, ct);
        }

        /// <summary>Every object of the source, listed once (streamed page by page, kept for the completion check).</summary>
        public List<SourceObject> ListSource(CancellationToken ct) => _lister.ListObjects(_o.SourceBucket, _o.SourcePrefix, ct).ToList();

        /// <summary>Merges and reads back the transition rule (only with -TransitionAfterDays); what it read back as, or null.</summary>
        public LifecycleOutcome? ApplyLifecycle(CancellationToken ct)
        {
            if (!_o.TransitionAfterDays.HasValue) return null;
            return new LifecycleRules(_s3, _calls).EnsureTransitionAsync(_o.BackupBucket, _o.BackupPrefix, _o.TransitionAfterDays.Value, _o.StorageClass, ct)
                .GetAwaiter().GetResult();
        }

        /// <summary>
        /// Backs up <paramref name="approved"/> (a subset of <paramref name="sources"/>: what ShouldProcess allowed) on the
        /// calling thread's terms: copies run concurrently, but <paramref name="onResult"/> and <paramref name="onProgress"/>
        /// are called on the calling thread only, so a cmdlet can write to the pipeline from them. Cancelling waits for the
        /// copies in flight (each cleans up after itself), journals those that completed, and throws OperationCanceledException.
        /// Then checks completion, and writes backup_manifest.csv, backup_summary.json and RESTORE.md into the workspace.
        /// </summary>
        public BackupOutcome Run(IReadOnlyList<SourceObject> sources, ISet<string> approved, LifecycleOutcome? lifecycle,
            Action<BackupResult> onResult, Action<BackupProgress> onProgress, CancellationToken ct)
        {
            var outcome = new BackupOutcome
            {
                Started = DateTime.UtcNow, LifecycleRuleId = lifecycle?.RuleId, TransitionAfterDays = lifecycle != null ? _o.TransitionAfterDays : null, Lifecycle = lifecycle,
            };
            var clock = Stopwatch.StartNew();
            AtomicFile.EnsureFolder(_o.Workspace);
            var results = new Dictionary<string, BackupResult>(StringComparer.Ordinal);
            var progress = new BackupProgress { Total = sources.Count(s => approved.Contains(s.Key)) };
            using (var journal = MigrationJournal.Open(_o.Workspace, JournalFileName))
            {
                outcome.EarlierJournalRows = journal.EarlierRows;
                outcome.TornJournalBytes = journal.TornBytes;
                var settings = new CopySettings
                {
                    StorageClass = _o.WriteClass, MigrationTags = false, Force = false,
                    MultipartThreshold = _o.MultipartThreshold, PartSize = _o.PartSize, Uploads = new MultipartUploadLog(_o.Workspace),
                };
                // A run killed in the middle of a multipart copy left its upload open: aborted before anything is copied.
                try { MultipartUploadLog.AbortLeftOpenAsync(_s3, _o.Workspace, false, ct).GetAwaiter().GetResult(); }
                catch (Exception ex) when (!(ex is OperationCanceledException)) { /* tried again by the next run */ }
                var engine = new CopyEngine(_s3, settings, _calls, new DestinationCatalog(_lister), journal.Verified);
                using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var inFlight = new List<Task<MigrationResult>>();

                void Complete(MigrationResult r)
                {
                    if (!r.FromJournal) journal.Append(JournalRow.From(r));
                    var b = ToResult(r, journal.Verified);
                    results[b.SourceKey] = b;
                    progress.Done++;
                    if (b.Status == BackupResultStatus.Failed) progress.Failed++;
                    else { progress.Bytes += b.Size; if (b.Status == BackupResultStatus.Skipped) progress.Skipped++; else progress.Verified++; }
                    if (!ct.IsCancellationRequested) onResult(b);
                }

                void Drain(bool wait)
                {
                    // Wait in steps of a second, so progress keeps moving during a long multipart copy.
                    while (wait && inFlight.Count > 0 && Task.WaitAny(inFlight.Cast<Task>().ToArray(), TimeSpan.FromSeconds(1)) < 0)
                        Report();
                    for (var i = 0; i < inFlight.Count; i++)
                    {
                        var t = inFlight[i];
                        if (!t.IsCompleted) continue;
                        inFlight.RemoveAt(i--);
                        if (t.IsCanceled) continue;
                        if (t.IsFaulted)
                        {
                            var ex = t.Exception!.GetBaseException();
                            if (ex is OperationCanceledException && ct.IsCancellationRequested) continue;
                            // A whole-run error (a missing bucket, rejected credentials): stop the other copies, journal what finished.
                            Shutdown();
                            throw ex is MigrationException ? ex : new MigrationException("BackupFailed", MigrationErrorKind.ResourceUnavailable, ex.Message, ex);
                        }
                        Complete(t.Result);
                    }
                    Report();
                }

                void Report()
                {
                    progress.Elapsed = clock.Elapsed;
                    if (!ct.IsCancellationRequested) onProgress(progress);
                }

                void Shutdown()
                {
                    cancel.Cancel();
                    try { Task.WaitAll(inFlight.Cast<Task>().ToArray()); }
                    catch (AggregateException) { /* cancelled or failed copies have no result to journal */ }
                    foreach (var t in inFlight.Where(f => f.Status == TaskStatus.RanToCompletion)) Complete(t.Result);
                    inFlight.Clear();
                }

                try
                {
                    foreach (var s in sources)
                    {
                        if (!approved.Contains(s.Key)) continue;
                        ct.ThrowIfCancellationRequested();
                        var item = new CopyItem
                        {
                            SourceBucket = _o.SourceBucket, SourceKey = s.Key, TargetBucket = _o.BackupBucket, TargetKey = BackupKey(_o, s.Key),
                            Size = s.Size, ETag = s.ETag,
                        };
                        var refused = WhyNotCopyable(item);
                        if (refused != null)
                        {
                            Complete(new MigrationResult
                            {
                                SourceBucket = item.SourceBucket, SourceKey = item.SourceKey, TargetBucket = item.TargetBucket, TargetKey = item.TargetKey,
                                Size = s.Size, SourceETag = ETag.Clean(s.ETag), Status = MigrationResultStatus.Failed, Notes = refused, Timestamp = DateTime.UtcNow,
                            });
                            continue;
                        }
                        Drain(wait: false);
                        while (inFlight.Count >= Math.Max(1, _o.ThrottleLimit)) Drain(wait: true);
                        inFlight.Add(engine.CopyAsync(item, cancel.Token));
                    }
                    while (inFlight.Count > 0) Drain(wait: true);
                }
                catch (OperationCanceledException)
                {
                    Shutdown();
                    throw;
                }
                finally
                {
                    if (inFlight.Count > 0) Shutdown();
                }
                ct.ThrowIfCancellationRequested();
            }

            CheckCompletion(sources, approved, results, outcome, ct);
            if (lifecycle != null)
                (outcome.NotTransitioned, outcome.NotTransitionedReason) = LifecycleRules.LeftInStandard(
                    outcome.Entries.Where(e => e.BackupETag.Length > 0).Select(e => e.Size), lifecycle.SizeFilterApplied, lifecycle.DefaultMinimumObjectSize, _o.StorageClass);
            outcome.Requests = _calls.Requests + _lister.Requests;
            outcome.Retries = _calls.Retries;
            outcome.Finished = DateTime.UtcNow;
            BackupManifest.Write(_o.Workspace, outcome.Entries);
            BackupSummary.Write(_o, outcome);
            RestoreGuide.Write(_o, outcome);
            return outcome;
        }

        /// <summary>Why a source cannot be backed up under its own key, or null.</summary>
        private static string? WhyNotCopyable(CopyItem item)
        {
            // The SDK drops a leading '/' of a copy source, so the copy would read another object (or none).
            if (item.SourceKey.StartsWith("/", StringComparison.Ordinal))
                return "the source key starts with '/', which the SDK cannot name as a copy source; copy it by hand (aws s3api copy-object)";
            if (Encoding.UTF8.GetByteCount(item.TargetKey) > MaxKeyBytes)
                return $"the backup key would be longer than S3's {MaxKeyBytes} bytes; use a shorter -BackupPrefix";
            return null;
        }

        /// <summary>The engine's result in backup terms: its Conflict (other content at the backup key) is a failure, never overwritten.</summary>
        private BackupResult ToResult(MigrationResult r, IReadOnlyDictionary<string, JournalRow> journal)
        {
            var b = new BackupResult
            {
                SourceBucket = r.SourceBucket, SourceKey = r.SourceKey, BackupBucket = r.TargetBucket, BackupKey = r.TargetKey, Size = r.Size,
                StorageClass = _o.WriteClass, SourceETag = r.SourceETag, BackupETag = r.DestinationETag, VerifiedBy = r.VerifiedBy,
                Notes = r.Notes, Timestamp = r.Timestamp, Md5 = r.Md5,
            };
            switch (r.Status)
            {
                case MigrationResultStatus.Verified: b.Status = BackupResultStatus.Verified; break;
                case MigrationResultStatus.Skipped:
                    b.Status = BackupResultStatus.Skipped;
                    if (r.FromJournal && journal.TryGetValue(JournalRow.S3Path(r.SourceBucket, r.SourceKey), out var done)) b.Timestamp = done.Timestamp;
                    break;
                case MigrationResultStatus.Conflict:
                    b.Status = BackupResultStatus.Failed;
                    b.ErrorId = "BackupConflict";
                    b.Notes = r.Notes.Replace("the destination holds different content", "the backup location already holds different content at this key")
                        .Replace("(use -Force to replace it)", "(check what it is; move or delete it, or choose another -BackupPrefix, then run again)");
                    break;
                default:
                    b.Status = BackupResultStatus.Failed;
                    b.ErrorId = r.Notes.Contains("the source is archived") ? "SourceArchived" : "BackupFailed";
                    // The engine HEADs the source first and reports an archived one without reading it; an archive error
                    // that comes later is the engine hashing the backup (no ETag proved it: SSE-KMS, say), which a cold
                    // class does not allow. Say so, rather than blame the source.
                    if (b.ErrorId == "SourceArchived" && r.Notes.Contains("the source is archived (") && StorageClasses.IsArchived(_o.WriteClass))
                    {
                        b.ErrorId = "BackupUnprovable";
                        b.Notes = $"the copy could not be proven equal without reading it: the source's ETag is no MD5 (SSE-KMS or a customer key, say) and has no full-object checksum, "
                                  + $"and a {_o.WriteClass} backup cannot be read until restored. Run with -TransitionAfterDays (copies are verified in STANDARD, "
                                  + "then moved by the lifecycle rule) or -StorageClass GLACIER_IR"
                                  + (r.Notes.Contains("could not be deleted") ? "; " + r.Notes : r.Notes.Contains("deleted") ? "; the unverified copy was deleted" : "");
                    }
                    break;
            }
            return b;
        }

        /// <summary>
        /// Lists the backup location and checks every source object against it: its backup exists, with the source's size
        /// and the ETag the copy verified (so it is still that copy), and the copy's proof (VerifiedBy) is on record.
        /// Equal ETags prove the content for plain and multipart objects; SSE-KMS sources were proven by checksum or by
        /// reading both sides at copy time, which a cold class only allows with -TransitionAfterDays (written in STANDARD).
        /// </summary>
        private void CheckCompletion(IReadOnlyList<SourceObject> sources, ISet<string> approved, Dictionary<string, BackupResult> results, BackupOutcome outcome, CancellationToken ct)
        {
            var wanted = new HashSet<string>(sources.Select(s => BackupKey(_o, s.Key)), StringComparer.Ordinal);
            var listed = new Dictionary<string, SourceObject>(StringComparer.Ordinal);
            foreach (var o in _lister.ListObjects(_o.BackupBucket, _o.BackupPrefix + _o.SourcePrefix, ct))
            {
                if (wanted.Contains(o.Key)) listed[o.Key] = o;
                else outcome.ExtraBackupObjects++;
            }
            foreach (var s in sources)
            {
                var key = BackupKey(_o, s.Key);
                listed.TryGetValue(key, out var found);
                results.TryGetValue(s.Key, out var r);
                var e = new BackupEntry
                {
                    SourceBucket = _o.SourceBucket, SourceKey = s.Key, BackupBucket = _o.BackupBucket, BackupKey = key, Size = s.Size,
                    SourceETag = ETag.Clean(s.ETag), BackupETag = found != null ? ETag.Clean(found.ETag) : "", Md5 = r?.Md5 ?? "",
                    StorageClass = found?.StorageClass ?? "", VerifiedBy = r?.VerifiedBy ?? "", BackedUpAt = r?.Timestamp ?? default,
                    Status = BackupEntry.Failed,
                };
                outcome.SourceObjects++;
                outcome.SourceBytes += s.Size;
                if (found != null)
                {
                    outcome.BackedUpObjects++; outcome.BackedUpBytes += found.Size;
                    var cls = string.IsNullOrEmpty(found.StorageClass) ? "STANDARD" : found.StorageClass!;
                    outcome.StorageClasses[cls] = outcome.StorageClasses.TryGetValue(cls, out var n) ? n + 1 : 1;
                }

                string? problem;
                if (r == null) problem = approved.Contains(s.Key) ? "not backed up (the run ended before it)" : "not backed up (declined)";
                else if (r.Status == BackupResultStatus.Failed) problem = r.Notes;
                else if (found == null) problem = "the backup is missing from the listing of the backup location";
                // The one "already migrated?" question, asked of the listing; the branches below only say why not.
                else if (!VerificationRule.StillAsJournaled(key, r.Size, r.SourceETag, r.BackupETag, key, s.Size, s.ETag, found.Size, found.ETag))
                    problem = found.Size != s.Size ? $"the backup has {found.Size} bytes, the source {s.Size}"
                        : ETag.Clean(found.ETag) != ETag.Clean(r.BackupETag) ? $"the backup changed after it was verified (ETag {ETag.Clean(found.ETag)}, verified {r.BackupETag})"
                        : "the source changed after its backup was verified; run the backup again";
                else if (r.VerifiedBy.Length == 0) problem = "no proof of equal content is on record";
                else problem = null;

                if (problem == null)
                {
                    e.Status = BackupEntry.Verified;
                    outcome.Verified++;
                    var notes = new List<string>();
                    if (r!.Status == BackupResultStatus.Skipped) notes.Add("already backed up");
                    if (found!.StorageClass != _o.WriteClass && found.StorageClass != _o.StorageClass)
                        notes.Add($"the backup is in {found.StorageClass}, not {_o.StorageClass} (it was already there with identical content)");
                    e.Notes = string.Join("; ", notes);
                }
                else
                {
                    e.Notes = problem;
                    outcome.Failed++;
                    if (r != null && r.Status != BackupResultStatus.Failed)
                        outcome.LateFailures.Add(new BackupResult
                        {
                            Status = BackupResultStatus.Failed, SourceBucket = r.SourceBucket, SourceKey = r.SourceKey, BackupBucket = r.BackupBucket,
                            BackupKey = r.BackupKey, Size = r.Size, StorageClass = found?.StorageClass ?? "", SourceETag = r.SourceETag,
                            BackupETag = found != null ? ETag.Clean(found.ETag) : "", Notes = problem, Timestamp = DateTime.UtcNow, ErrorId = "BackupIncomplete",
                        });
                }
                outcome.Entries.Add(e);
            }
        }
    }
}
