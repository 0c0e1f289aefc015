using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.S3;

namespace S3Migration.Phases.Removal
{
    /// <summary>
    /// One DeleteObjects request for sources that passed every check, and what its answer says of each. Versioned
    /// buckets: by default without a version id, so S3 adds a delete marker and keeps the checked version (and a version
    /// written since the check) as noncurrent; with PermanentlyDeleteVersion, exactly the checked version id, so a newer
    /// version is never touched. Unversioned buckets have no version id: each key is conditional on the ETag the check
    /// saw, and the check just before is the guard where a server ignores that.
    /// </summary>
    internal sealed class DeletionBatch
    {
        private readonly ObjectDeletes _deletes;
        private readonly bool _permanently;

        public DeletionBatch(ObjectDeletes deletes, bool permanentlyDeleteVersion) { _deletes = deletes; _permanently = permanentlyDeleteVersion; }

        /// <summary>Sends the request and decides each item: Deleted, DeleteMarker, or Failed with why.</summary>
        public async Task DeleteAsync(string bucket, List<RemovalResult> items, bool versioned, CancellationToken ct)
        {
            var keys = items.Select(r => versioned && _permanently && r.VersionId.Length > 0
                ? new KeyToDelete(r.SourceKey, r.VersionId, "")
                // Conditional on the ETag the check saw (S3's conditional delete): a source rewritten between the
                // check and this request is refused for that key (PreconditionFailed), not deleted.
                : new KeyToDelete(r.SourceKey, "", r.SourceETag)).ToList();
            DeleteObjectsAnswer answer;
            try { answer = await _deletes.DeleteBatchAsync(bucket, keys, ct).ConfigureAwait(false); }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                var why = ex is AmazonS3Exception s3 ? $"{(int)s3.StatusCode} {s3.ErrorCode}" : ex.GetBaseException().Message;
                foreach (var r in items) r.Decide(RemovalStatus.Failed, "DeleteObjects failed: " + why);
                return;
            }
            var now = DateTime.UtcNow;
            foreach (var r in items)
            {
                if (answer.WhyNotDeleted(r.SourceKey) is { } refused) { r.Decide(RemovalStatus.Failed, refused); continue; }
                r.DeletedAt = now;
                if (versioned && !_permanently)
                    r.Decide(RemovalStatus.DeleteMarker, $"a delete marker now hides it; the verified version {r.VersionId} remains as a noncurrent version");
                else
                    r.Decide(RemovalStatus.Deleted, versioned ? $"version {r.VersionId} permanently deleted" : "deleted");
            }
        }
    }
}
