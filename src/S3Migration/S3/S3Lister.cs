using System;
using System.Collections.Generic;
using System.Net;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>
    /// Paginated ListObjectsV2 that streams: each page's objects are handed out while the next page is already
    /// being fetched, and nothing but the current page is held. Keys are requested URL-encoded (so any key,
    /// control characters included, survives the XML) and decoded here, since the SDK does not decode them.
    /// </summary>
    public sealed class S3Lister
    {
        private readonly IAmazonS3 _s3;
        private readonly string _where;
        private readonly RetryPolicy? _retry;

        /// <param name="retry">retries pages itself, for clients whose SDK retries are off; null relies on the SDK's</param>
        public S3Lister(IAmazonS3 s3, string where, RetryPolicy? retry = null) { _s3 = s3; _where = where; _retry = retry; }

        /// <summary>Requests sent, for the benchmark and the tests.</summary>
        public int Requests => _requests;
        private int _requests;

        /// <summary>The objects under <paramref name="prefix"/>, in S3's key order, one page at a time.</summary>
        public async IAsyncEnumerable<SourceObject> ListObjectsAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var page in PagesAsync(bucket, prefix, null, ct).ConfigureAwait(false))
                foreach (var o in page.S3Objects ?? new List<S3Object>())
                    yield return ToSource(o, page);
        }

        /// <summary>The folder names directly under <paramref name="prefix"/> (common prefixes, without the prefix and the '/').</summary>
        public async IAsyncEnumerable<string> ListFoldersAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var page in PagesAsync(bucket, prefix, "/", ct).ConfigureAwait(false))
                foreach (var p in page.CommonPrefixes ?? new List<string>())
                    yield return Folder(p, prefix, page);
        }

        /// <summary>Fails with a clear error when the bucket is missing, unreachable or forbidden.</summary>
        public Task CheckBucketAsync(string bucket, CancellationToken ct) => Fetch(bucket, "", null, null, ct, maxKeys: 1);

        /// <summary>The pages of one listing; the next page is requested before the current one is handed out.</summary>
        private async IAsyncEnumerable<ListObjectsV2Response> PagesAsync(string bucket, string prefix, string? delimiter, [EnumeratorCancellation] CancellationToken ct)
        {
            var next = Fetch(bucket, prefix, delimiter, null, ct);
            while (true)
            {
                var page = await next.ConfigureAwait(false);
                var token = page.IsTruncated == true ? page.NextContinuationToken : null;
                if (token != null) next = Fetch(bucket, prefix, delimiter, token, ct);
                yield return page;
                if (token == null) yield break;
            }
        }

        private static SourceObject ToSource(S3Object o, ListObjectsV2Response page) =>
            new SourceObject(Decode(o.Key, page), o.Size ?? 0, o.LastModified, o.ETag ?? "", o.StorageClass?.Value is { Length: > 0 } sc ? sc : "STANDARD");

        private static string Folder(string commonPrefix, string prefix, ListObjectsV2Response page)
        {
            var folder = Decode(commonPrefix, page);
            if (folder.StartsWith(prefix, StringComparison.Ordinal)) folder = folder.Substring(prefix.Length);
            return folder.TrimEnd('/');
        }

        private async Task<ListObjectsV2Response> Fetch(string bucket, string prefix, string? delimiter, string? token, CancellationToken ct, int maxKeys = 1000)
        {
            var request = new ListObjectsV2Request
            {
                BucketName = bucket, Prefix = prefix, Delimiter = delimiter, ContinuationToken = token,
                Encoding = EncodingType.Url, MaxKeys = maxKeys,
            };
            Task<ListObjectsV2Response> Send()
            {
                Interlocked.Increment(ref _requests);
                return _s3.ListObjectsV2Async(request, ct);
            }
            try
            {
                return _retry != null
                    ? await _retry.RunAsync(Send, new RetryCount(), ct).ConfigureAwait(false)
                    : await Send().ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                throw S3Errors.ForBucket(ex, bucket, _where);
            }
        }

        /// <summary>
        /// S3 form-encodes keys ('+' for a space, %2B for a '+'); moto percent-encodes; form decoding reads both.
        /// A server that ignores encoding-type says so by not echoing it, and its keys are taken as they are.
        /// </summary>
        public static string Decode(string? key, ListObjectsV2Response page) =>
            page.Encoding == EncodingType.Url ? WebUtility.UrlDecode(key ?? "") : key ?? "";
    }
}
