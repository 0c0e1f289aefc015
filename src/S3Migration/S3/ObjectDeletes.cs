using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>
    /// One key of a DeleteObjects request: with a version id, exactly that version is deleted; without one, the delete is
    /// conditional on the ETag (S3's conditional delete), so an object rewritten since it was checked is refused.
    /// </summary>
    public sealed record KeyToDelete(string Key, string VersionId, string ETag);

    /// <summary>What a DeleteObjects request answered for each of its keys.</summary>
    public sealed class DeleteObjectsAnswer
    {
        private readonly Dictionary<string, DeleteError> _errors;
        private readonly HashSet<string> _deleted;

        internal DeleteObjectsAnswer(DeleteObjectsResponse response)
        {
            _errors = (response.DeleteErrors ?? new List<DeleteError>()).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            _deleted = new HashSet<string>((response.DeletedObjects ?? new List<DeletedObject>()).Select(d => d.Key), StringComparer.Ordinal);
        }

        /// <summary>Null when S3 answered that it deleted the key; else why not, for the operator.</summary>
        public string? WhyNotDeleted(string key)
        {
            if (_errors.TryGetValue(key, out var e)) return $"S3 refused the delete: {e.Code} {e.Message}".TrimEnd();
            return _deleted.Contains(key) ? null : "DeleteObjects did not answer for this key";
        }
    }

    /// <summary>What a DeleteObject conditional on the ETag came to.</summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum ConditionalDelete { Deleted, ChangedSinceCheck, AlreadyGone }

    /// <summary>
    /// Every delete the module sends, retried and counted by <see cref="S3Calls"/>: DeleteObjects batches (the cleanup)
    /// and one DeleteObject conditional on the ETag (the undo). What is deleted, and when, the phases decide.
    /// </summary>
    public sealed class ObjectDeletes
    {
        private readonly IAmazonS3 _s3;
        private readonly S3Calls _calls;

        public ObjectDeletes(IAmazonS3 s3, S3Calls calls) { _s3 = s3; _calls = calls; }

        /// <summary>
        /// One DeleteObjects request (at most 1,000 keys). A key S3 refuses is in the answer and the others are deleted;
        /// a failure of the whole request throws.
        /// </summary>
        public async Task<DeleteObjectsAnswer> DeleteBatchAsync(string bucket, IReadOnlyList<KeyToDelete> keys, CancellationToken ct)
        {
            var request = new DeleteObjectsRequest { BucketName = bucket, Quiet = false, Objects = new List<KeyVersion>() };
            foreach (var k in keys)
                request.Objects.Add(k.VersionId.Length > 0
                    ? new KeyVersion { Key = k.Key, VersionId = k.VersionId }
                    : new KeyVersion { Key = k.Key, ETag = "\"" + ETag.Clean(k.ETag) + "\"" });
            var response = await _calls.Run(async () =>
            {
                // The SDK throws when some keys failed; their errors are in the response, the rest were deleted.
                try { return await _s3.DeleteObjectsAsync(request, ct).ConfigureAwait(false); }
                catch (DeleteObjectsException ex) { return ex.Response; }
            }, new RetryCount(), ct).ConfigureAwait(false);
            return new DeleteObjectsAnswer(response);
        }

        /// <summary>
        /// Deletes the object only while it still has the ETag it was checked with: If-Match makes S3 refuse (412) an
        /// object rewritten between the check and this request. Other failures throw.
        /// </summary>
        public async Task<ConditionalDelete> DeleteIfMatchAsync(string bucket, string key, string etag, CancellationToken ct)
        {
            var delete = new DeleteObjectRequest { BucketName = bucket, Key = key, IfMatch = "\"" + ETag.Clean(etag) + "\"" };
            try
            {
                await _calls.Run(() => _s3.DeleteObjectAsync(delete, ct), new RetryCount(), ct).ConfigureAwait(false);
                return ConditionalDelete.Deleted;
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.PreconditionFailed) { return ConditionalDelete.ChangedSinceCheck; }
            catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound) { return ConditionalDelete.AlreadyGone; }
        }
    }
}
