using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Planning;
using S3Migration.Reports;

namespace S3Migration.Storage
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
    /// Undoes copies: deletes a destination only while it is exactly what was copied (same size and ETag as the
    /// journal verified; the DeleteObject names that ETag in If-Match). Anything changed since is kept and reported. A key that is also a source of the plan is
    /// never deleted, so sources are never touched.
    /// </summary>
    public sealed class RollbackEngine
    {
        private readonly IAmazonS3 _s3;
        private readonly S3Calls _calls = new S3Calls(new RetryPolicy(5));
        public RollbackEngine(IAmazonS3 s3) => _s3 = s3;

        /// <param name="confirm">asked once per object that would be deleted; false leaves it (WhatIf, or "no" to Confirm)</param>
        public IEnumerable<RollbackResult> Run(IReadOnlyList<RollbackEntry> plan, Func<RollbackEntry, bool> confirm, CancellationToken ct)
        {
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
                else if (now.Size != entry.Size || (entry.DestinationETag.Length > 0 && now.ETag != Planning.ETag.Clean(entry.DestinationETag)) || entry.DestinationETag.Length == 0)
                {
                    r.Status = RollbackStatus.Kept;
                    r.Reason = entry.DestinationETag.Length == 0
                        ? "no verified ETag was recorded for it, so it cannot be proven to be the migration's copy"
                        : $"changed since the copy (now {now.Size} bytes, ETag {now.ETag}; copied {entry.Size} bytes, ETag {Planning.ETag.Clean(entry.DestinationETag)})";
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
                        var delete = new DeleteObjectRequest { BucketName = entry.TargetBucket, Key = entry.TargetKey, IfMatch = "\"" + Planning.ETag.Clean(entry.DestinationETag) + "\"" };
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
    }
}
