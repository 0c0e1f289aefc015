using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace S3Migration.PeopleCsv
{
    /// <summary>The ways a people CSV may spell the location of an object.</summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum S3UrlForm
    {
        /// <summary>s3://bucket/key</summary>
        S3Uri,
        /// <summary>https://bucket.s3.amazonaws.com/key, with or without a region (s3.eu-west-1 or s3-eu-west-1)</summary>
        VirtualHosted,
        /// <summary>https://s3.amazonaws.com/bucket/key, with or without a region</summary>
        PathStyle,
        /// <summary>http(s)://host:port/bucket/key on an S3-compatible server</summary>
        CustomPathStyle,
        /// <summary>http(s)://bucket.host/key on an S3-compatible server</summary>
        CustomVirtualHosted,
    }

    /// <summary>
    /// One URL of the people CSV, cut into the text before the bucket, the bucket, the text between bucket and key,
    /// and the key. A rewrite replaces only the bucket and the key, so the scheme, host, region, port and spelling
    /// of everything else stay byte for byte what they were, and the key keeps the old URL's encoding: a key that
    /// was percent-encoded is percent-encoded again, a raw key stays raw.
    /// </summary>
    public sealed class S3Url
    {
        private static readonly Regex AwsVirtual = new Regex(@"^(?<bucket>.+)\.s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
        private static readonly Regex AwsPath = new Regex(@"^s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
        private static readonly Regex PercentEscape = new Regex("%[0-9A-Fa-f]{2}", RegexOptions.CultureInvariant | RegexOptions.Compiled);

        private S3Url(S3UrlForm form, string before, string bucket, string between, string keyText, string query)
        {
            Form = form; Before = before; Bucket = bucket; Between = between; KeyText = keyText; Query = query;
        }

        public S3UrlForm Form { get; }
        /// <summary>Everything before the bucket: "s3://", "https://", "https://s3.eu-west-1.amazonaws.com/".</summary>
        public string Before { get; }
        public string Bucket { get; }
        /// <summary>Everything between the bucket and the key: "/", ".s3.eu-west-1.amazonaws.com/".</summary>
        public string Between { get; }
        /// <summary>The key as the URL spells it (raw or percent-encoded).</summary>
        public string KeyText { get; }
        /// <summary>"?..." of an https URL (a signed URL's signature lives there), else "". Never shown in messages.</summary>
        public string Query { get; }

        /// <summary>
        /// The keys this URL may name, most likely first. An https URL's path is percent-encoded, so its decoded form
        /// comes first; an s3:// URL names its key raw, so "%41" in it is most likely a literal "%41". The caller
        /// picks the candidate the journal knows. Last, for an https URL with a '+': the key with each '+' read as a
        /// space, as S3 itself reads such a path and as the S3 console's object URLs and form encoding write a space
        /// (https://bucket.s3.amazonaws.com/1_Ann+Lee/a.mp3 serves "1_Ann Lee/a.mp3"). The gates that look for URLs
        /// naming an object must see that one too, or the cleanup deletes a source the CSV still serves.
        /// </summary>
        public IReadOnlyList<(string Key, bool Encoded)> KeyCandidates
        {
            get
            {
                var list = new List<(string, bool)>();
                var decoded = PercentEscape.IsMatch(KeyText) ? Decode(KeyText) : null;
                if (Form == S3UrlForm.S3Uri) list.Add((KeyText, false));
                if (decoded != null && decoded != KeyText) list.Add((decoded, true));
                if (Form != S3UrlForm.S3Uri) list.Add((KeyText, false));
                if (Form != S3UrlForm.S3Uri && KeyText.IndexOf('+') >= 0)
                {
                    var spaces = Decode(KeyText.Replace("+", "%20"));
                    if (!list.Exists(c => c.Item1 == spaces)) list.Add((spaces, true));
                }
                return list;
            }
        }

        /// <summary>
        /// Parses an S3 location. <paramref name="isKnownBucket"/> tells an S3-compatible server's virtual-hosted
        /// URL (bucket.minio.example/key) from a path-style one (minio.example/bucket/key). Null when the text is
        /// not an s3:// or http(s) URL with a bucket and a key.
        /// </summary>
        public static S3Url? Parse(string text, Func<string, bool>? isKnownBucket = null)
        {
            if (string.IsNullOrEmpty(text)) return null;
            if (text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
            {
                var slash = text.IndexOf('/', 5);
                if (slash <= 5 || slash == text.Length - 1) return null;
                return new S3Url(S3UrlForm.S3Uri, text.Substring(0, 5), text.Substring(5, slash - 5), "/", text.Substring(slash + 1), "");
            }
            var schemeEnd = text.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? 8
                : text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? 7 : -1;
            if (schemeEnd < 0) return null;
            var pathStart = text.IndexOf('/', schemeEnd);
            if (pathStart < 0) return null;
            var authority = text.Substring(schemeEnd, pathStart - schemeEnd);
            if (authority.Length == 0 || authority.IndexOf('@') >= 0) return null;
            var host = authority;
            var colon = host.LastIndexOf(':');
            if (colon >= 0 && host.IndexOf(']') < colon) host = host.Substring(0, colon);

            var rest = text.Substring(pathStart + 1);
            var q = rest.IndexOf('?');
            var query = q >= 0 ? rest.Substring(q) : "";
            if (q >= 0) rest = rest.Substring(0, q);

            var virtualAws = AwsVirtual.Match(host);
            if (virtualAws.Success && !AwsPath.IsMatch(host))
                return Virtual(S3UrlForm.VirtualHosted, text, schemeEnd, virtualAws.Groups["bucket"].Value, pathStart, rest, query);
            if (AwsPath.IsMatch(host))
                return PathStyle(S3UrlForm.PathStyle, text, pathStart, rest, query);
            var dot = host.IndexOf('.');
            if (dot > 0 && isKnownBucket != null && isKnownBucket(host.Substring(0, dot)))
                return Virtual(S3UrlForm.CustomVirtualHosted, text, schemeEnd, host.Substring(0, dot), pathStart, rest, query);
            return PathStyle(S3UrlForm.CustomPathStyle, text, pathStart, rest, query);
        }

        private static S3Url? Virtual(S3UrlForm form, string text, int schemeEnd, string bucket, int pathStart, string key, string query)
        {
            if (key.Length == 0) return null;
            return new S3Url(form, text.Substring(0, schemeEnd), bucket, text.Substring(schemeEnd + bucket.Length, pathStart + 1 - schemeEnd - bucket.Length), key, query);
        }

        private static S3Url? PathStyle(S3UrlForm form, string text, int pathStart, string path, string query)
        {
            var slash = path.IndexOf('/');
            if (slash <= 0 || slash == path.Length - 1) return null;
            return new S3Url(form, text.Substring(0, pathStart + 1), Decode(path.Substring(0, slash)), "/", path.Substring(slash + 1), query);
        }

        /// <summary>This URL's form and spelling, naming another bucket and key.</summary>
        public string With(string bucket, string key, bool encoded) =>
            Before + bucket + Between + (encoded ? Encode(key) : key) + Query;

        /// <summary>A new URL in the form of <paramref name="model"/> (or s3:// without one), for a cell that had none.</summary>
        public static string Create(S3Url? model, string bucket, string key) =>
            model == null ? "s3://" + bucket + "/" + key
            : model.Before + bucket + model.Between + (model.Form != S3UrlForm.S3Uri ? Encode(key) : key);

        /// <summary>The URL without its query, for messages: a signed URL's signature never reaches a log.</summary>
        public string Redacted
        {
            get
            {
                // An s3:// key may hold a '?', but a pasted signed URL would put its signature there: cut it all the same.
                var key = KeyText.IndexOf('?') is var q && q >= 0 ? KeyText.Substring(0, q) : KeyText;
                return Before + Bucket + Between + key + (Query.Length > 0 || q >= 0 ? "?…" : "");
            }
        }

        /// <summary>S3's percent-encoding of a key in a URL path: every byte but unreserved characters and '/'.</summary>
        public static string Encode(string key)
        {
            var sb = new StringBuilder(key.Length + 16);
            foreach (var b in Encoding.UTF8.GetBytes(key))
            {
                var c = (char)b;
                if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') sb.Append(c);
                else sb.Append('%').Append(b.ToString("X2"));
            }
            return sb.ToString();
        }

        /// <summary>Percent-decoding of a URL path: '+' stays '+', as S3 reads paths.</summary>
        private static string Decode(string text)
        {
            try { return Uri.UnescapeDataString(text); }
            catch (UriFormatException) { return text; }
        }
    }
}
