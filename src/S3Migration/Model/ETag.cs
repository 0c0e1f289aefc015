using System.Text.RegularExpressions;

namespace S3Migration.Model
{
    /// <summary>What an S3 ETag says about content: an MD5 for single-part uploads, "md5-N" for multipart ones.</summary>
    public static class ETag
    {
        private static readonly Regex Md5 = new Regex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant);
        private static readonly Regex Multipart = new Regex("^[0-9a-f]{32}-([0-9]+)$", RegexOptions.CultureInvariant);

        public static string Clean(string? etag) => (etag ?? "").Trim().Trim('"').ToLowerInvariant();

        /// <summary>True when the ETag has the multipart form "hash-parts".</summary>
        public static bool IsMultipart(string? etag) => Multipart.IsMatch(Clean(etag));

        /// <summary>The part count of a multipart ETag, or 0.</summary>
        public static int PartCount(string? etag)
        {
            var m = Multipart.Match(Clean(etag));
            return m.Success && int.TryParse(m.Groups[1].Value, out var n) ? n : 0;
        }

        /// <summary>True when the ETag has the shape of an MD5. Whether it is one also depends on encryption (SSE-KMS, SSE-C).</summary>
        public static bool LooksLikeMd5(string? etag) => Md5.IsMatch(Clean(etag));
    }
}
