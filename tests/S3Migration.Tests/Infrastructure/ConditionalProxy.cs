using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.S3;

namespace S3Migration.Tests.Infrastructure;

/// <summary>One request as ConditionalProxy's hooks see it: the kind, the bucket and key it is about, its headers.</summary>
public sealed record ProxiedRequest(string Kind, string Bucket, string Key, NameValueCollection Headers, IReadOnlyList<string> DeleteKeys);

/// <summary>One precondition the proxy refused: the request's kind, the key, and S3's answer.</summary>
public sealed record RefusedRequest(string Kind, string Bucket, string Key, string Code, string Condition);

/// <summary>
/// A loopback proxy in front of moto that enforces what moto ignores: S3's preconditions (S3Preconditions) on
/// CopyObject and UploadPartCopy (copy-source conditions), on PutObject, CopyObject and CompleteMultipartUpload
/// (If-None-Match: *, If-Match), on DeleteObject (If-Match) and on each object of a DeleteObjects body (its ETag).
/// It asks moto for the object (a HEAD) just before forwarding and answers S3's error itself when a condition does
/// not hold; DeleteObjects is forwarded without the refused keys and their errors are merged into moto's answer,
/// as S3 answers a batch. The check and the forward are two steps, so the proxy is exact for one writer at a time,
/// which is what the tests need: the hooks decide what happens in between.
/// Test hooks: <see cref="Before"/> runs an action before a matching request is checked and forwarded (say, the
/// application rewrites the object between the module's check and its delete); <see cref="FailCopyAfterWrite"/>
/// answers a CopyObject "200 with an Error body" after moto made the copy, as S3 may. Counts by kind include
/// S3's valueless subresources (S3RequestKind), and every refusal is recorded in <see cref="Refusals"/>.
/// </summary>
public sealed class ConditionalProxy : LoopbackListener
{
    private readonly List<Hook> _hooks = new();
    private readonly ConcurrentDictionary<string, bool> _failAfterWrite = new(StringComparer.Ordinal);
    private int _errorBodies;

    public ConditionalProxy(string motoEndpoint) : base(motoEndpoint) { }

    public ConcurrentQueue<RefusedRequest> Refusals { get; } = new();
    /// <summary>CopyObject answers replaced by a "200 with an Error body" after the copy was made.</summary>
    public int ErrorBodiesSent => Volatile.Read(ref _errorBodies);

    public int RefusedCount(string kind, string? condition = null) => Refusals.Count(r => r.Kind == kind && (condition == null || r.Condition == condition));

    /// <summary>An SDK client that talks to moto through this proxy.</summary>
    public IAmazonS3 CreateClient() => new AmazonS3Client(new BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey), new AmazonS3Config
    {
        ServiceURL = EndpointUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>
    /// Runs <paramref name="action"/> before the next <paramref name="times"/> requests that <paramref name="match"/>
    /// accepts are checked and forwarded. The action may change moto's objects directly (not through this proxy).
    /// </summary>
    public void Before(Func<ProxiedRequest, bool> match, Action<ProxiedRequest> action, int times = 1)
    {
        lock (_hooks) _hooks.Add(new Hook(match, action) { Remaining = times });
    }

    /// <summary>The next CopyObject into this key is forwarded, and once moto has made the copy, answered
    /// 200 OK with an InternalError document instead of its CopyObjectResult (once).</summary>
    public void FailCopyAfterWrite(string bucket, string key) => _failAfterWrite[bucket + "\n" + key] = true;

    protected override async Task HandleAsync(HttpListenerContext ctx, string kind)
    {
        try { await EnforceAsync(ctx, kind); }
        catch (ProxyCheckException ex) { await AnswerErrorAsync(ctx, 502, "ConditionalProxyError", ex.Message); }
    }

    private async Task EnforceAsync(HttpListenerContext ctx, string kind)
    {
        var req = ctx.Request;
        var body = await ReadBodyAsync(req);
        var (bucket, key) = S3RequestKind.BucketAndKey(req.RawUrl ?? "/");
        var deleteKeys = kind == "POST delete" ? DeleteBody.Parse(body).Select(o => o.Key).ToList() : new List<string>();
        RunHooks(new ProxiedRequest(kind, bucket, key, req.Headers, deleteKeys));

        switch (kind)
        {
            case "PUT copy":
            case "PUT part-copy":
            case "PUT object":
            case "POST complete":
            case "DELETE":
                var refusal = await CheckAsync(req, kind);
                if (refusal != null)
                {
                    Refusals.Enqueue(new RefusedRequest(kind, bucket, key, refusal.Code, refusal.Condition));
                    var extra = refusal.Code == "NoSuchKey" ? new[] { ("Key", key) } : new[] { ("Condition", refusal.Condition) };
                    await AnswerErrorAsync(ctx, refusal.Status, refusal.Code, refusal.Message, extra);
                    return;
                }
                break;
            case "POST delete":
                await DeleteObjectsAsync(ctx, bucket, body);
                return;
        }

        using var response = await SendUpstreamAsync(req, body);
        if (kind == "PUT copy" && response.StatusCode == HttpStatusCode.OK && _failAfterWrite.TryRemove(bucket + "\n" + key, out _))
        {
            // S3 may answer a copy 200 OK and put the error in the body; this one happens after the copy was made.
            Interlocked.Increment(ref _errorBodies);
            await RelayAsync(ctx, response, Encoding.UTF8.GetBytes(ErrorXml("InternalError", "We encountered an internal error. Please try again.")));
            return;
        }
        await RelayAsync(ctx, response);
    }

    private void RunHooks(ProxiedRequest r)
    {
        var due = new List<Hook>();
        lock (_hooks)
            foreach (var h in _hooks.Where(h => h.Remaining > 0 && h.Match(r)))
            {
                h.Remaining--;
                due.Add(h);
            }
        foreach (var h in due) h.Action(r);
    }

    /// <summary>The refusal S3 would answer for this request's preconditions, or null to forward it.</summary>
    private async Task<Refusal?> CheckAsync(HttpListenerRequest req, string kind)
    {
        var h = req.Headers;
        var path = (req.RawUrl ?? "/").Split('?', 2)[0];
        if (kind is "PUT copy" or "PUT part-copy" && S3Preconditions.HasCopySourceCondition(h))
        {
            if (S3Preconditions.CopySource(h, await HeadAsync(h["x-amz-copy-source"]!)) is { } refused) return refused;
        }
        if (kind is "PUT copy" or "PUT object" or "POST complete" && S3Preconditions.HasWriteCondition(h))
        {
            if (S3Preconditions.Write(h, await HeadAsync(path)) is { } refused) return refused;
        }
        if (kind == "DELETE" && h["If-Match"] != null)
        {
            // The current version, whatever versionId the delete names: S3 evaluates conditional deletes on it.
            if (S3Preconditions.Delete(h["If-Match"], await HeadAsync(path)) is { } refused) return refused;
        }
        return null;
    }

    /// <summary>
    /// DeleteObjects: each object that names an ETag is checked; the refused ones are taken out of the body (with
    /// Content-MD5 and the checksum headers recomputed or dropped so moto accepts it) and come back as Error entries
    /// of the batch's answer, beside moto's Deleted and Error entries for the others.
    /// </summary>
    private async Task DeleteObjectsAsync(HttpListenerContext ctx, string bucket, byte[] body)
    {
        var doc = DeleteBody.Load(body);
        var errors = new List<XElement>();
        foreach (var o in DeleteBody.Objects(doc).ToList())
        {
            var etag = o.Element(o.Name.Namespace + "ETag")?.Value;
            if (etag == null) continue;
            var objectKey = o.Element(o.Name.Namespace + "Key")?.Value ?? "";
            if (S3Preconditions.Delete(etag, await HeadAsync(EscapePath(bucket) + "/" + EscapePath(objectKey))) is not { } refused) continue;
            Refusals.Enqueue(new RefusedRequest("POST delete", bucket, objectKey, refused.Code, refused.Condition));
            var error = new XElement("Error", new XElement("Key", objectKey));
            if (o.Element(o.Name.Namespace + "VersionId")?.Value is { } version) error.Add(new XElement("VersionId", version));
            error.Add(new XElement("Code", refused.Code), new XElement("Message", refused.Message));
            errors.Add(error);
            o.Remove();
        }

        if (errors.Count == 0)
        {
            using var untouched = await SendUpstreamAsync(ctx.Request, body);
            await RelayAsync(ctx, untouched);
            return;
        }
        if (!DeleteBody.Objects(doc).Any())
        {
            // Nothing left for moto (it refuses an empty batch): the answer is the errors alone.
            var only = new XElement(S3Ns + "DeleteResult", errors.Select(e => Namespaced(e, S3Ns)));
            var bytes = Encoding.UTF8.GetBytes(new XDeclaration("1.0", "UTF-8", null) + only.ToString(SaveOptions.DisableFormatting));
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/xml";
            ctx.Response.ContentLength64 = bytes.Length;
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
            return;
        }

        var rewritten = Encoding.UTF8.GetBytes(doc.Declaration + doc.ToString(SaveOptions.DisableFormatting));
        var headers = new List<KeyValuePair<string, string>> { new("Content-MD5", Convert.ToBase64String(MD5.HashData(rewritten))) };
        var sha = ctx.Request.Headers["x-amz-content-sha256"];
        if (sha != null && sha.Length == 64 && sha.All(Uri.IsHexDigit))
            headers.Add(new("x-amz-content-sha256", Convert.ToHexString(SHA256.HashData(rewritten)).ToLowerInvariant()));
        using var response = await SendUpstreamAsync(ctx.Request, rewritten, headers, name =>
            name.Equals("Content-MD5", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase)
            || name.Equals("x-amz-sdk-checksum-algorithm", StringComparison.OrdinalIgnoreCase)
            || (name.Equals("x-amz-content-sha256", StringComparison.OrdinalIgnoreCase) && headers.Count > 1));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            await RelayAsync(ctx, response);
            return;
        }
        var answer = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var ns = answer.Root!.Name.Namespace;
        foreach (var e in errors) answer.Root.Add(Namespaced(e, ns));
        await RelayAsync(ctx, response, Encoding.UTF8.GetBytes(new XDeclaration("1.0", "UTF-8", null) + answer.Root.ToString(SaveOptions.DisableFormatting)));
    }

    private static readonly XNamespace S3Ns = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static XElement Namespaced(XElement e, XNamespace ns) =>
        new(ns + e.Name.LocalName, e.Elements().Select(c => new XElement(ns + c.Name.LocalName, c.Value)));

    private static string EscapePath(string s) => string.Join("/", s.Split('/').Select(Uri.EscapeDataString));

    /// <summary>
    /// HEAD of an object on moto, by its path as the client encoded it (a copy source may carry ?versionId=); null
    /// when it does not exist. Any other answer throws: a condition the proxy cannot check must not pass silently.
    /// </summary>
    private async Task<ObjectState?> HeadAsync(string encodedPath)
    {
        using var r = await SendOwnAsync(HttpMethod.Head, encodedPath);
        if (r.StatusCode == HttpStatusCode.NotFound) return null;
        if (r.StatusCode != HttpStatusCode.OK)
            throw new ProxyCheckException($"ConditionalProxy could not check a precondition: HEAD /{encodedPath.TrimStart('/')} answered {(int)r.StatusCode}");
        var etag = r.Headers.ETag?.Tag ?? (r.Headers.TryGetValues("ETag", out var v) ? v.First() : "");
        return new ObjectState(etag, r.Content.Headers.LastModified);
    }

    private sealed class ProxyCheckException(string message) : Exception(message);

    private sealed class Hook(Func<ProxiedRequest, bool> match, Action<ProxiedRequest> action)
    {
        public Func<ProxiedRequest, bool> Match { get; } = match;
        public Action<ProxiedRequest> Action { get; } = action;
        public int Remaining { get; set; }
    }

    /// <summary>The XML body of a DeleteObjects request: &lt;Delete&gt;&lt;Object&gt;&lt;Key/&gt;&lt;VersionId/&gt;&lt;ETag/&gt;&lt;/Object&gt;...</summary>
    private static class DeleteBody
    {
        public static XDocument Load(byte[] body) => XDocument.Parse(Encoding.UTF8.GetString(body), LoadOptions.PreserveWhitespace);

        public static IEnumerable<XElement> Objects(XDocument doc) => doc.Root!.Elements().Where(e => e.Name.LocalName == "Object");

        public static IEnumerable<(string Key, string? ETag)> Parse(byte[] body) =>
            body.Length == 0 ? Enumerable.Empty<(string, string?)>()
                : Objects(Load(body)).Select(o => (o.Element(o.Name.Namespace + "Key")?.Value ?? "", o.Element(o.Name.Namespace + "ETag")?.Value)).ToList();
    }
}
