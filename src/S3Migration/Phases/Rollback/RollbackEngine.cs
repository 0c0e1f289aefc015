using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Model;
using S3Migration.Reports;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Rollback
{
    public enum RollbackStatus { Deleted, Kept, AlreadyGone, WhatIf, Failed }

    public sealed class RollbackResult
    {
        public RollbackStatus Status { get; set; }
        public string TargetBucket { get; set; } = "";
        public string TargetKey { get; set; } = "";
        public string SourceKey { get; set; } = "";
        public long Size { get; set; }
        public string Reason { get; set; } = "";
        public override string ToString() => $"{Status} {TargetKey}";
    }

    /// <summary>
    /// What a workspace knows about the sources of its copies, for the undo gate: the cleanup's outcome per source
    /// (deletion_log.csv) and where each source's verified backup is (backup_manifest.csv, deletion_log.csv).
    /// </summary>
    public sealed class RollbackSources
    {
        public IReadOnlyDictionary<string, DeletionRow> Cleanup { get; set; } = new Dictionary<string, DeletionRow>();
        /// <summary>s3://bucket/key of a source to s3://bucket/key of its verified backup.</summary>
        public IReadOnlyDictionary<string, string> Backups { get; set; } = new Dictionary<string, string>();
        /// <summary>
        /// s3://bucket/key of each destination to the URLs of the workspace's people CSV that name it; null when the
        /// workspace knows no CSV (then no URL is checked).
        /// </summary>
        public IReadOnlyDictionary<string, List<CsvUrlReference>>? CsvReferences { get; set; }

        public static RollbackSources FromWorkspace(string workspace)
        {
            var cleanup = DeletionJournal.Outcomes(workspace);
            var backups = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var e in BackupManifest.Read(workspace) ?? new List<BackupEntry>())
                if (e.IsVerified && e.BackupKey.Length > 0) backups[JournalRow.S3Path(e.SourceBucket, e.SourceKey)] = JournalRow.S3Path(e.BackupBucket, e.BackupKey);
            foreach (var d in cleanup.Values)
                if (d.BackupPath.Length > 0) backups[d.SourcePath] = d.BackupPath;
            return new RollbackSources { Cleanup = cleanup, Backups = backups };
        }
    }

    /// <summary>
    /// Undoes copies: deletes a destination only while it is exactly what was copied (same size and ETag as the
    /// journal verified; the DeleteObject names that ETag in If-Match) and while its source still exists (the gate
    /// PhaseGates.WhyKeepDestination: once the cleanup deleted the source, the destination is the only live copy).
    /// Anything else is kept and reported. A key that is also a source of the plan is never deleted, so sources are
    /// never touched.
    /// </summary>
    public sealed class RollbackEngine
    {
        private readonly IAmazonS3 _s3;
        private readonly S3Calls _calls = new S3Calls(new RetryPolicy(5));
        public RollbackEngine(IAmazonS3 s3) => _s3 = s3;

        /// <param name="confirm">asked once per object that would be deleted; false leaves it (WhatIf, or "no" to Confirm)</param>
        /// <param name="known">what the workspace knows of the sources (the cleanup's log, the backups); without it only a HEAD tells</param>
        public IEnumerable<RollbackResult> Run(IReadOnlyList<RollbackEntry> plan, Func<RollbackEntry, bool> confirm, CancellationToken ct, RollbackSources? known = null)
        {
            known ??= new RollbackSources();
            var sources = new HashSet<string>(plan.Select(p => p.SourceBucket + "\n" + p.SourceKey), StringComparer.Ordinal);
            foreach (var entry in plan)
            {
                ct.ThrowIfCancellationRequested();
                var r = new RollbackResult { TargetBucket = entry.TargetBucket, TargetKey = entry.TargetKey, SourceKey = entry.SourceKey, Size = entry.Size };
                if (entry.Keep.Length > 0)
                {
                    r.Status = RollbackStatus.Kept;
                    r.Reason = entry.Keep;
                    yield return r;
                    continue;
                }
                if (sources.Contains(entry.TargetBucket + "\n" + entry.TargetKey) || entry.TargetKey.Length == 0)
                {
                    r.Status = RollbackStatus.Kept;
                    r.Reason = "the key is also a source of this migration; sources are never deleted";
                    yield return r;
                    continue;
                }
                ObjectFacts? now;
                try { now = _calls.Run(() => ObjectHead.GetAsync(_s3, entry.TargetBucket, entry.TargetKey, ct), new StrongBox<int>(), ct).GetAwaiter().GetResult(); }
                catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
                {
                    r.Status = RollbackStatus.Failed;
                    r.Reason = "could not be checked: " + (ex is AmazonS3Exception s3 ? $"{(int)s3.StatusCode} {s3.ErrorCode}" : ex.GetBaseException().Message);
                    now = null;
                }
                if (r.Status == RollbackStatus.Failed) { yield return r; continue; }
                if (now == null)
                {
                    r.Status = RollbackStatus.AlreadyGone;
                    r.Reason = "the destination no longer exists";
                }
                else if (entry.DestinationETag.Length == 0)
                {
                    r.Status = RollbackStatus.Kept;
                    r.Reason = "no verified ETag was recorded for it, so it cannot be proven to be the migration's copy";
                }
                // Exactly what was copied, by the one rule against the journal's record: size, the verified ETag, the headers
                // and user metadata, the tags. A copy someone changed since (even its metadata only) is theirs now: kept.
                else if (VerificationRule.Compare(entry.Proof, now, readContent: false) is { Verdict: not Verdict.Verified } changed)
                {
                    r.Status = RollbackStatus.Kept;
                    r.Reason = $"changed since the copy (now {now.Size} bytes, ETag {now.ETag}; copied {entry.Size} bytes, ETag {ETag.Clean(entry.DestinationETag)}): {changed.Why}";
                }
                else if (PhaseGates.WhyKeepDestination(SourceFacts(entry, known, ct)) is { } why)
                {
                    r.Status = RollbackStatus.Kept;
                    r.Reason = why;
                }
                else if (!confirm(entry))
                {
                    r.Status = RollbackStatus.WhatIf;
                    r.Reason = "would be deleted";
                }
                else
                {
                    try
                    {
                        // If-Match: S3 refuses (412) if the object was rewritten between the HEAD above and this request.
                        var delete = new DeleteObjectRequest { BucketName = entry.TargetBucket, Key = entry.TargetKey, IfMatch = "\"" + ETag.Clean(entry.DestinationETag) + "\"" };
                        _calls.Run(() => _s3.DeleteObjectAsync(delete, ct), new StrongBox<int>(), ct).GetAwaiter().GetResult();
                        r.Status = RollbackStatus.Deleted;
                        r.Reason = "deleted: it was exactly the migration's copy";
                    }
                    catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.PreconditionFailed)
                    {
                        r.Status = RollbackStatus.Kept;
                        r.Reason = "changed since the copy: it was rewritten after it was checked (S3 refused the conditional delete, 412 PreconditionFailed)";
                    }
                    catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
                    {
                        r.Status = RollbackStatus.AlreadyGone;
                        r.Reason = "the destination no longer exists";
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
                    {
                        r.Status = RollbackStatus.Failed;
                        r.Reason = "DeleteObject failed: " + (ex is AmazonS3Exception s3 ? $"{(int)s3.StatusCode} {s3.ErrorCode}" : ex.GetBaseException().Message);
                    }
                }
                yield return r;
            }
        }

        /// <summary>
        /// Where the source of a copy is now: a HEAD first (a source put back after the cleanup counts as present), and
        /// when it answers 404, the cleanup's log tells whether Remove-MigrationSource deleted or hid it.
        /// </summary>
        private UndoFacts SourceFacts(RollbackEntry entry, RollbackSources known, CancellationToken ct)
        {
            var path = JournalRow.S3Path(entry.SourceBucket, entry.SourceKey);
            var f = new UndoFacts
            {
                SourceBucket = entry.SourceBucket, SourceKey = entry.SourceKey, TargetBucket = entry.TargetBucket, TargetKey = entry.TargetKey,
                BackupPath = known.Backups.TryGetValue(path, out var backup) ? backup : "",
                CsvReferences = known.CsvReferences == null ? null
                    : known.CsvReferences.TryGetValue(JournalRow.S3Path(entry.TargetBucket, entry.TargetKey), out var named) ? named : new List<CsvUrlReference>(),
            };
            try
            {
                var head = _calls.Run(() => ObjectHead.GetAsync(_s3, entry.SourceBucket, entry.SourceKey, ct), new StrongBox<int>(), ct).GetAwaiter().GetResult();
                if (head != null) { f.Source = SourceNow.Present; return f; }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                f.Source = SourceNow.Unknown;
                f.Detail = "HEAD failed: " + (ex is AmazonS3Exception s3 ? $"{(int)s3.StatusCode} {s3.ErrorCode}" : ex.GetBaseException().Message);
                return f;
            }
            f.Source = SourceNow.Missing;
            if (known.Cleanup.TryGetValue(path, out var row) && row.IsGone)
            {
                f.Source = row.Status == DeletionRow.DeleteMarker ? SourceNow.HiddenByDeleteMarker : SourceNow.DeletedByCleanup;
                f.VersionId = row.VersionId;
                if (row.DeletedAt.HasValue) f.Detail = $"on {row.DeletedAt.Value.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z";
            }
            return f;
        }
    }
}
