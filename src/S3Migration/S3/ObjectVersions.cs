using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>
    /// Versions, for the cleanup: whether a bucket is versioned, every version of the keys under a prefix, and the HEAD
    /// that names an object's current version. Retried and counted by <see cref="S3Calls"/>.
    /// </summary>
    public sealed class ObjectVersions
    {
        private readonly IAmazonS3 _s3;
        private readonly S3Calls _calls;
        private readonly string _where;

        /// <param name="where">what the requests are for, in error messages ("the source removal")</param>
        public ObjectVersions(IAmazonS3 s3, S3Calls calls, string where) { _s3 = s3; _calls = calls; _where = where; }

        /// <summary>"" when the bucket was never versioned, else Enabled or Suspended. A failure names the bucket.</summary>
        public async Task<string> VersioningAsync(string bucket, CancellationToken ct)
        {
            try
            {
                var r = await _calls.Run(() => _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }, ct), new RetryCount(), ct)
                    .ConfigureAwait(false);
                var status = r.VersioningConfig?.Status?.Value ?? "";
                return status == "Enabled" || status == "Suspended" ? status : "";
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                throw S3Errors.ForBucket(ex, bucket, _where);
            }
        }

        /// <summary>
        /// Every version and delete marker under <paramref name="prefix"/>, page by page. Keys are requested URL-encoded
        /// (any key survives the XML) and decoded here, as S3Lister does for objects.
        /// </summary>
        public async IAsyncEnumerable<ListedVersion> ListAsync(string bucket, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            string? keyMarker = null, versionMarker = null;
            while (true)
            {
                var request = new ListVersionsRequest { BucketName = bucket, Prefix = prefix, KeyMarker = keyMarker, VersionIdMarker = versionMarker, Encoding = EncodingType.Url };
                var page = await _calls.Run(() => _s3.ListVersionsAsync(request, ct), new RetryCount(), ct).ConfigureAwait(false);
                var decode = page.Encoding == EncodingType.Url;
                foreach (var v in page.Versions ?? new List<S3ObjectVersion>())
                    yield return new ListedVersion(decode ? WebUtility.UrlDecode(v.Key ?? "") : v.Key ?? "", v.VersionId, v.IsLatest == true, v.IsDeleteMarker == true);
                if (page.IsTruncated != true) yield break;
                keyMarker = decode ? WebUtility.UrlDecode(page.NextKeyMarker ?? "") : page.NextKeyMarker;
                versionMarker = page.NextVersionIdMarker;
            }
        }

        /// <summary>The HEAD of the object's current version (its version id included), or null when the key does not exist.</summary>
        public async Task<GetObjectMetadataResponse?> HeadAsync(string bucket, string key, CancellationToken ct)
        {
            try
            {
                return await _calls.Run(() => _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, ct), new RetryCount(), ct)
                    .ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound) { return null; }
        }
    }
}
