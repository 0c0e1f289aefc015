using System.Collections.Specialized;
using System.Net;

namespace S3Migration.Tests.Infrastructure;

/// <summary>
/// What an S3 request is, read from its method, path-style URL, query and headers: "HEAD", "PUT copy",
/// "PUT part-copy", "PUT tagging", "GET list", "POST delete", "POST initiate", "POST complete", "DELETE", ...
/// S3 marks subresources with valueless query keys (?tagging, ?uploads, ?delete), which .NET's QueryString files
/// under the null key, so QueryString["tagging"] is null for them: <see cref="Has"/> looks in both places.
/// </summary>
public static class S3RequestKind
{
    public static string Of(HttpListenerRequest req) => Of(req.HttpMethod, req.RawUrl ?? "/", req.QueryString, req.Headers["x-amz-copy-source"] != null);

    public static string Of(string method, string rawUrl, NameValueCollection q, bool isCopy)
    {
        var (bucket, key) = BucketAndKey(rawUrl);
        var objectLevel = key.Length > 0;
        var sub = Subresource(q);
        return method switch
        {
            "PUT" when isCopy && Has(q, "partNumber") => "PUT part-copy",
            "PUT" when isCopy => "PUT copy",
            "PUT" when Has(q, "partNumber") => "PUT part",
            "PUT" when sub != null => "PUT " + sub,
            "PUT" when objectLevel => "PUT object",
            "PUT" => "PUT bucket",
            "GET" when !objectLevel && (sub == null || Has(q, "list-type")) && bucket.Length > 0 => "GET list",
            "GET" when sub != null => "GET " + sub,
            "GET" when objectLevel => "GET object",
            "POST" when Has(q, "delete") => "POST delete",
            "POST" when Has(q, "uploads") => "POST initiate",
            "POST" when Has(q, "uploadId") => "POST complete",
            "DELETE" when Has(q, "uploadId") => "DELETE abort",
            "DELETE" when sub != null => "DELETE " + sub,
            _ => method,
        };
    }

    /// <summary>Whether the query has this key, with a value (?uploadId=1) or without one (?uploads).</summary>
    public static bool Has(NameValueCollection q, string name) =>
        q[name] != null || (q.GetValues(null) ?? Array.Empty<string>()).Contains(name, StringComparer.Ordinal);

    /// <summary>The first valueless query key (S3's subresources: tagging, versioning, versions, lifecycle, ...), or null.</summary>
    private static string? Subresource(NameValueCollection q) => (q.GetValues(null) ?? Array.Empty<string>()).FirstOrDefault(s => s.Length > 0);

    /// <summary>The bucket and the (decoded) key of a path-style URL; "" for what is not there.</summary>
    public static (string Bucket, string Key) BucketAndKey(string rawUrl)
    {
        var path = rawUrl.Split('?', 2)[0].TrimStart('/');
        var slash = path.IndexOf('/');
        return slash < 0
            ? (Uri.UnescapeDataString(path), "")
            : (Uri.UnescapeDataString(path[..slash]), Uri.UnescapeDataString(path[(slash + 1)..]));
    }
}
