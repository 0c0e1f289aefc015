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
        private int _done;

        public UrlChecker(S3Session? s3, HttpClient? http, UrlCheckOptions options) : this(s3?.Client, http, options) { }

        public UrlChecker(IAmazonS3? s3, HttpClient? http, UrlCheckOptions options) { _s3 = s3; _http = http; _o = options; }

        public int Done => Volatile.Read(ref _done);

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
                if (_o.Unsigned && url.Form != S3UrlForm.S3Uri) await UnsignedAsync(r, text, ct).ConfigureAwait(false);
                else await SignedAsync(r, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) { r.StatusCode = (int)ex.StatusCode; r.Notes = ex.ErrorCode ?? ex.StatusCode.ToString(); }
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
                r.StatusCode = (int)get.HttpStatusCode;
                r.Size = get.ContentLength;
                Compare(r, await Md5Async(get.ResponseStream, ct).ConfigureAwait(false));
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
            if (_o.Download && response.StatusCode == HttpStatusCode.OK)
                using (var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                    Compare(r, await Md5Async(body, ct).ConfigureAwait(false));
        }

        private static void Compare(UrlCheckResult r, string actual)
        {
            r.ActualMd5 = actual;
            r.Md5Match = r.ExpectedMd5.Length == 0 ? (bool?)null : r.ExpectedMd5 == actual;
            if (r.ExpectedMd5.Length == 0) r.Notes = "the journal records no MD5 for this file, so its content was not compared";
        }

        private static async Task<string> Md5Async(Stream body, CancellationToken ct) =>
            Hex.Lower(await MD5.HashDataAsync(body, ct).ConfigureAwait(false));
    }
}
