using System.Collections.Specialized;
using System.Globalization;

namespace S3Migration.Tests.Infrastructure;

/// <summary>An object as a HEAD saw it: what S3's preconditions are evaluated against.</summary>
public sealed record ObjectState(string ETag, DateTimeOffset? LastModified);

/// <summary>Why S3 refuses a request before doing anything: the status, the error code and the condition that did not hold.</summary>
public sealed record Refusal(int Status, string Code, string Message, string Condition)
{
    public const string PreconditionMessage = "At least one of the pre-conditions you specified did not hold";

    public static Refusal Precondition(string condition) => new(412, "PreconditionFailed", PreconditionMessage, condition);
    public static Refusal NoSuchKey(string condition) => new(404, "NoSuchKey", "The specified key does not exist.", condition);
}

/// <summary>
/// S3's preconditions, as the API reference documents them (the rules only; ConditionalProxy asks moto for the
/// object and applies them):
/// - copy source (CopyObject, UploadPartCopy): x-amz-copy-source-if-match decides alone when present, otherwise
///   x-amz-copy-source-if-unmodified-since; x-amz-copy-source-if-none-match decides alone when present, otherwise
///   x-amz-copy-source-if-modified-since. A condition that does not hold is 412 PreconditionFailed. (S3: "if-match
///   true and if-unmodified-since false: 200 OK and copies"; "if-none-match false and if-modified-since true: 412".)
/// - write destination (PutObject, CopyObject, CompleteMultipartUpload): If-None-Match accepts only "*" and is
///   412 when the key exists; If-Match (an ETag or "*") is 404 NoSuchKey when the key does not exist and 412
///   when its ETag differs.
/// - delete (DeleteObject's If-Match header, DeleteObjects' per-object ETag): evaluated against the current version,
///   404 NoSuchKey when there is none, 412 when its ETag differs.
/// ETags compare without quotes (S3 accepts both); a list is comma-separated; a date that does not parse is ignored,
/// as RFC 7232 says, and so is an if-modified-since date in the future (RFC 2616 14.25 calls it invalid; S3 copies
/// regardless, as reported on AWS re:Post: "copy-object ... copies data even if x-amz-copy-source-if-modified-since is false").
/// </summary>
public static class S3Preconditions
{
    public const string CopySourceIfMatch = "x-amz-copy-source-if-match";
    public const string CopySourceIfNoneMatch = "x-amz-copy-source-if-none-match";
    public const string CopySourceIfModifiedSince = "x-amz-copy-source-if-modified-since";
    public const string CopySourceIfUnmodifiedSince = "x-amz-copy-source-if-unmodified-since";

    public static bool HasCopySourceCondition(NameValueCollection h) =>
        h[CopySourceIfMatch] != null || h[CopySourceIfNoneMatch] != null || h[CopySourceIfModifiedSince] != null || h[CopySourceIfUnmodifiedSince] != null;

    public static bool HasWriteCondition(NameValueCollection h) => h["If-Match"] != null || h["If-None-Match"] != null;

    /// <param name="source">the copy source now; null when it does not exist (the server then answers NoSuchKey itself)</param>
    public static Refusal? CopySource(NameValueCollection h, ObjectState? source)
    {
        if (source == null) return null;
        if (h[CopySourceIfMatch] is { } match)
        {
            if (!Matches(match, source.ETag)) return Refusal.Precondition("x-amz-copy-source-If-Match");
        }
        else if (Date(h[CopySourceIfUnmodifiedSince]) is { } unmodified && source.LastModified > unmodified)
            return Refusal.Precondition("x-amz-copy-source-If-Unmodified-Since");

        if (h[CopySourceIfNoneMatch] is { } noneMatch)
        {
            if (Matches(noneMatch, source.ETag)) return Refusal.Precondition("x-amz-copy-source-If-None-Match");
        }
        else if (Date(h[CopySourceIfModifiedSince]) is { } modified && modified <= DateTimeOffset.UtcNow && source.LastModified <= modified)
            return Refusal.Precondition("x-amz-copy-source-If-Modified-Since");
        return null;
    }

    /// <param name="destination">the object at the key being written now, or null when there is none</param>
    public static Refusal? Write(NameValueCollection h, ObjectState? destination)
    {
        if (h["If-None-Match"] is { } noneMatch)
        {
            if (noneMatch.Trim() != "*")
                return new Refusal(501, "NotImplemented", "A header you provided implies functionality that is not implemented", "If-None-Match");
            if (destination != null) return Refusal.Precondition("If-None-Match");
        }
        return h["If-Match"] is { } match ? IfMatch(match, destination) : null;
    }

    /// <summary>DeleteObject's If-Match header, or the ETag of one object in a DeleteObjects body.</summary>
    public static Refusal? Delete(string? ifMatch, ObjectState? current) => ifMatch == null ? null : IfMatch(ifMatch, current);

    private static Refusal? IfMatch(string match, ObjectState? current)
    {
        if (current == null) return Refusal.NoSuchKey("If-Match");
        return match.Trim() == "*" || Matches(match, current.ETag) ? null : Refusal.Precondition("If-Match");
    }

    /// <summary>Whether an ETag list (comma-separated, quoted or not, or "*") names this ETag.</summary>
    public static bool Matches(string list, string etag) =>
        list.Split(',').Select(Clean).Any(e => e == "*" || e == Clean(etag));

    public static string Clean(string etag)
    {
        var e = etag.Trim();
        if (e.StartsWith("W/", StringComparison.Ordinal)) e = e[2..];
        return e.Trim('"');
    }

    private static DateTimeOffset? Date(string? value) =>
        value != null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;
}
