using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Model;
using S3Migration.PeopleCsv;
using S3Migration.S3;

namespace S3Migration.Phases.UrlCheck
{
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum UrlCheckStatus
    {
        /// <summary>200, and with -Download the content's MD5 is the journal's.</summary>
        Ok,
        Forbidden,
        NotFound,
        /// <summary>With -Download: the content's MD5 is not the one the journal recorded.</summary>
        Mismatch,
        /// <summary>Any other answer, or no answer.</summary>
        Error,
        /// <summary>The cell holds something that is not an S3 URL.</summary>
        NotS3Url,
    }

    /// <summary>One URL of the people CSV, checked (plan phases 3 and 4: "Build URL accessibility checker", "Run download verification").</summary>
    public sealed class UrlCheckResult
    {
        public string RowId { get; set; } = "";
        public string PersonName { get; set; } = "";
        public string Column { get; set; } = "";
        public int Line { get; set; }
        /// <summary>The URL without its query string: a signed URL's signature never reaches a report.</summary>
        public string Url { get; set; } = "";
        public string Bucket { get; set; } = "";
        public string Key { get; set; } = "";
        /// <summary>The HTTP status: 200, 403, 404, another code, or 0 when no answer came.</summary>
        public int StatusCode { get; set; }
        public UrlCheckStatus Status { get; set; }
        public long? Size { get; set; }
        public string ExpectedMd5 { get; set; } = "";
        public string ActualMd5 { get; set; } = "";
        public bool? Md5Match { get; set; }
        public string Notes { get; set; } = "";
        public override string ToString() => $"{StatusCode} {Status} {Url} (row {RowId} {PersonName})";
    }

    public sealed class UrlCheckOptions
    {
        /// <summary>Plain HTTP requests to the URL as written, as a browser would; otherwise signed S3 requests.</summary>
        public bool Unsigned { get; set; }
        /// <summary>GET the content and compare its MD5 with the journal's.</summary>
        public bool Download { get; set; }
        public int ThrottleLimit { get; set; } = 16;
        /// <summary>Retries of a check after throttling, 5xx answers, timeouts or a connection reset (also in the middle of a body), as Copy-PersonFiles.</summary>
        public int MaxRetries { get; set; } = 5;
    }

    /// <summary>
    /// Checks URLs with a HEAD request each (a GET with -Download), at most ThrottleLimit at a time. Signed requests go
    /// through the S3 client to the bucket and key the URL names, so private buckets work and no signed URL is ever
    /// made; unsigned ones go to the URL itself. Results keep the CSV's order.
    /// </summary>
    public sealed class UrlChecker
    {
        private readonly IAmazonS3? _s3;
        private readonly HttpClient? _http;
        private readonly UrlCheckOptions _o;
        private readonly RetryPolicy _retry;
        private int _done;

        public UrlChecker(S3Session? s3, HttpClient? http, UrlCheckOptions options) : this(s3?.Client, http, options) { }

        /// <param name="s3">a client without the SDK's own retries (S3ClientFactory sdkRetries: false): every retry is <see cref="RetryPolicy"/>'s, and counted</param>
        public UrlChecker(IAmazonS3? s3, HttpClient? http, UrlCheckOptions options)
        {
            _s3 = s3; _http = http; _o = options;
            _retry = new RetryPolicy(options.MaxRetries);
        }

        public int Done => Volatile.Read(ref _done);
        /// <summary>Retries made so far, by every check.</summary>
        public int Retries => _retry.Retries;

        /// <summary>
        /// Checks every target, at most ThrottleLimit at a time; the results keep the targets' order. Every target is
        /// checked even when one fails in a way no single URL explains (missing credentials, say): the task then fails with it.
        /// </summary>
        public Task<UrlCheckResult[]> CheckAllAsync(IReadOnlyList<UrlTarget> targets, CancellationToken ct)
        {
            var slots = new SemaphoreSlim(Math.Max(1, _o.ThrottleLimit));
            return Task.WhenAll(targets.Select(async t =>
            {
                await slots.WaitAsync(ct).ConfigureAwait(false);
                try { return await CheckAsync(t.Check, t.Url, t.Text, ct).ConfigureAwait(false); }
                finally { slots.Release(); Interlocked.Increment(ref _done); }
            }));
        }

        private async Task<UrlCheckResult> CheckAsync(UrlCheckResult r, S3Url? url, string text, CancellationToken ct)
        {
            if (url == null) { r.Status = UrlCheckStatus.NotS3Url; r.Notes = "not an S3 URL"; return r; }
            try
            {
                // The copy's retry policy, around the whole check: a request, and with -Download its body and hash, so a
                // connection reset in the middle of a body is tried again rather than reported as an Error.
                await _retry.RunAsync(async () =>
                {
                    Reset(r);
                    if (_o.Unsigned && url.Form != S3UrlForm.S3Uri) await UnsignedAsync(r, text, ct).ConfigureAwait(false);
                    else await SignedAsync(r, ct).ConfigureAwait(false);
                    return true;
                }, new RetryCount(), ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) { r.StatusCode = (int)ex.StatusCode; r.Notes = ex.ErrorCode ?? ex.StatusCode.ToString(); }
            catch (HttpRequestException ex) when (ex.StatusCode is HttpStatusCode code) { r.StatusCode = (int)code; r.Notes = $"{(int)code} {code}, also after {_o.MaxRetries} retries"; }
            catch (Exception ex) when (S3Errors.IsConnectionFailure(ex) && !ct.IsCancellationRequested) { r.StatusCode = 0; r.Notes = "no answer: " + ex.GetBaseException().Message; }
            r.Status = r.StatusCode switch
            {
                200 => r.Md5Match == false ? UrlCheckStatus.Mismatch : UrlCheckStatus.Ok,
                403 => UrlCheckStatus.Forbidden,
                404 => UrlCheckStatus.NotFound,
                _ => UrlCheckStatus.Error,
            };
            if (r.Status == UrlCheckStatus.Mismatch) r.Notes = $"content MD5 {r.ActualMd5}, the journal recorded {r.ExpectedMd5}";
            if (url.Form == S3UrlForm.S3Uri && _o.Unsigned) r.Notes = (r.Notes + " (an s3:// URL is always checked with a signed request)").Trim();
            return r;
        }

        private async Task SignedAsync(UrlCheckResult r, CancellationToken ct)
        {
            if (_o.Download)
            {
                using var get = await _s3!.GetObjectAsync(new GetObjectRequest { BucketName = r.Bucket, Key = r.Key }, ct).ConfigureAwait(false);
                Whole(get.ETag);
                r.StatusCode = (int)get.HttpStatusCode;
                r.Size = get.ContentLength;
                Compare(r, await Md5Async(get.ResponseStream, get.ContentLength, ct).ConfigureAwait(false));
                return;
            }
            var head = await _s3!.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = r.Bucket, Key = r.Key }, ct).ConfigureAwait(false);
            r.StatusCode = (int)head.HttpStatusCode;
            r.Size = head.ContentLength;
        }

        private async Task UnsignedAsync(UrlCheckResult r, string url, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(_o.Download ? HttpMethod.Get : HttpMethod.Head, url);
            using var response = await _http!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            r.StatusCode = (int)response.StatusCode;
            r.Size = response.Content.Headers.ContentLength;
            // Throttling and 5xx answers are transient, as for a signed request (RetryPolicy.IsTransient): tried again.
            if (r.StatusCode == 429 || r.StatusCode == 500 || r.StatusCode == 502 || r.StatusCode == 503 || r.StatusCode == 504)
                throw new HttpRequestException($"{r.StatusCode} {response.StatusCode}", null, response.StatusCode);
            if (_o.Download && response.StatusCode == HttpStatusCode.OK)
            {
                Whole(response.Headers.ETag?.Tag);
                using (var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                    Compare(r, await Md5Async(body, r.Size, ct).ConfigureAwait(false));
            }
        }

        /// <summary>
        /// Every S3 answer with an object's content carries its ETag; one without it was cut short on the way (a dropped
        /// connection can read as an empty 200), and is tried again like any dropped connection, never hashed as content.
        /// </summary>
        private static void Whole(string? etag)
        {
            if (string.IsNullOrEmpty(etag)) throw new IOException("the answer carried no ETag: the connection was cut before the object's headers");
        }

        /// <summary>Forgets what a failed attempt found, before the next one.</summary>
        private static void Reset(UrlCheckResult r)
        {
            r.StatusCode = 0; r.Size = null; r.ActualMd5 = ""; r.Md5Match = null; r.Notes = "";
        }

        private static void Compare(UrlCheckResult r, string actual)
        {
            r.ActualMd5 = actual;
            r.Md5Match = r.ExpectedMd5.Length == 0 ? (bool?)null : r.ExpectedMd5 == actual;
            if (r.ExpectedMd5.Length == 0) r.Notes = "the journal records no MD5 for this file, so its content was not compared";
        }

        /// <summary>
        /// The MD5 of a whole body. A body that ends before its Content-Length (a connection cut in the middle can read as
        /// an early end, not an error) is an IOException, which the retry policy tries again, never a content Mismatch.
        /// </summary>
        private static async Task<string> Md5Async(Stream body, long? length, CancellationToken ct)
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false)) > 0)
            {
                md5.AppendData(buffer, 0, read);
                total += read;
            }
            if (length is long expected && expected >= 0 && total != expected)
                throw new IOException($"the body ended after {total} of {expected} bytes");
            return Hex.Lower(md5.GetHashAndReset());
        }
    }
}
