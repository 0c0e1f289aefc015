using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace S3Migration.Model
{
    /// <summary>
    /// What a destination must match to count as a verified copy of its source: the source's size and content proof
    /// (ETag, known MD5, full-object checksum), a digest of the headers and user metadata a copy preserves, and the number
    /// of tags the copy was given. At copy time it is taken from the live source's HEAD; later (the integrity check, the
    /// cleanup, the backup) from the journal row that recorded it, since the source may be gone by then. Both go through
    /// the one <see cref="VerificationRule"/>, so every phase asks the same question.
    /// </summary>
    public sealed class CopyProof
    {
        public long Size { get; set; }
        /// <summary>The source's ETag.</summary>
        public string SourceETag { get; set; } = "";
        /// <summary>The source's MD5, when known (from its ETag, the inventory or a hash); else "".</summary>
        public string Md5 { get; set; } = "";
        public string FullObjectChecksum { get; set; } = "";
        /// <summary>The source's ETag is its MD5 (single-part, not SSE-KMS or a customer key).</summary>
        public bool SourceETagIsMd5 { get; set; }
        /// <summary>The source is encrypted with SSE-KMS or a customer key: its multipart ETag proves nothing either.</summary>
        public bool SourceEncryptedByKey { get; set; }
        /// <summary>
        /// The ETag the copy verified at the destination, once a copy was made (from the journal); "" at copy time. Any
        /// rewrite of the destination changes it, even one with equal content.
        /// </summary>
        public string DestinationETag { get; set; } = "";
        /// <summary>The source's Content-Type, "" when not recorded.</summary>
        public string ContentType { get; set; } = "";
        /// <summary><see cref="HeadersDigest"/> of the source, "" when not recorded (journals written before it existed).</summary>
        public string HeadersDigest { get; set; } = "";
        /// <summary>The source's headers themselves, at copy time only: a difference can then be named.</summary>
        public ObjectFacts? Headers { get; set; }
        /// <summary>How many tags the destination must carry (the source's, plus the migration's), or null when unknown.</summary>
        public int? TagCount { get; set; }
        /// <summary><see cref="TagsDigestOf"/> of the tags the copy set; "" when unknown (then only their number is checked).</summary>
        public string TagsDigest { get; set; } = "";

        /// <summary>The proof a live source gives, before or right after its copy.</summary>
        public static CopyProof FromSource(ObjectFacts source, string? md5, int? tagCount) => new CopyProof
        {
            Size = source.Size, SourceETag = ETag.Clean(source.ETag), Md5 = ETag.Clean(md5), FullObjectChecksum = source.FullObjectChecksum,
            SourceETagIsMd5 = source.ETagIsMd5, SourceEncryptedByKey = source.Encryption.StartsWith("aws:kms", StringComparison.Ordinal) || source.CustomerKey,
            ContentType = source.ContentType, HeadersDigest = HeadersDigestOf(source), Headers = source, TagCount = tagCount,
        };

        /// <summary>The proof a journal row recorded: the source may be gone, the destination must still be what was verified.</summary>
        public static CopyProof FromRecord(long size, string sourceETag, string md5, string destinationETag, string contentType, string headersDigest, int? tagCount,
            string tagsDigest = "")
        {
            var src = ETag.Clean(sourceETag);
            var known = ETag.Clean(md5);
            return new CopyProof
            {
                Size = size, SourceETag = src, Md5 = known, DestinationETag = ETag.Clean(destinationETag), ContentType = contentType,
                HeadersDigest = headersDigest, TagCount = tagCount, TagsDigest = tagsDigest,
                // The journal keeps an MD5 only where it was trusted (VerificationRule.TrustedMd5): a source ETag equal to
                // it was an MD5; any other plain-looking ETag may have been encrypted with a key, so it proves nothing on its
                // own. A multipart ETag is not suspected: the rule compares it only with a destination that its HEAD shows
                // is not encrypted with a key, whose multipart ETag is the MD5 of its parts' MD5s, and a key-encrypted
                // source's ETag never equals that. So equal multipart ETags prove the content after the source is gone
                // (-Deep after the cleanup), as they did at copy time.
                SourceETagIsMd5 = ETag.LooksLikeMd5(src) && src == known,
                SourceEncryptedByKey = !(ETag.LooksLikeMd5(src) && src == known) && !ETag.IsMultipart(src),
            };
        }

        /// <summary>
        /// A set of tags in one value, whatever their order: key=value pairs sorted by key, hashed with SHA-256 and cut to 32
        /// hex characters. The journal keeps it for the tags a copy set, so a destination whose tags were replaced by as
        /// many others is found (by the checks that read tags: -Deep, and the cleanup before it deletes a source).
        /// </summary>
        public static string TagsDigestOf(IEnumerable<KeyValuePair<string, string>> tags)
        {
            var sb = new StringBuilder();
            foreach (var t in tags.OrderBy(t => t.Key, StringComparer.Ordinal)) sb.Append(t.Key).Append('\u001f').Append(t.Value).Append('\u001e');
            return Digest(sb);
        }

        /// <summary>
        /// The preserved headers and user metadata in one value: Content-Type, Cache-Control, Content-Disposition,
        /// Content-Encoding, Content-Language and every x-amz-meta-* pair (names lower-cased, sorted), hashed with SHA-256
        /// and cut to 32 hex characters. The journal keeps it so a destination's headers can be checked after the source
        /// is gone.
        /// </summary>
        public static string HeadersDigestOf(ObjectFacts o)
        {
            var sb = new StringBuilder();
            void Add(string name, string value) => sb.Append(name).Append('\u001f').Append(value).Append('\u001e');
            Add("content-type", o.ContentType);
            Add("cache-control", o.CacheControl);
            Add("content-disposition", o.ContentDisposition);
            Add("content-encoding", o.ContentEncoding);
            Add("content-language", o.ContentLanguage);
            foreach (var m in o.Metadata.OrderBy(m => m.Key.ToLowerInvariant(), StringComparer.Ordinal))
                Add("x-amz-meta-" + m.Key.ToLowerInvariant(), m.Value);
            return Digest(sb);
        }

        /// <summary>SHA-256 of the text, cut to its first 16 bytes (32 hex characters): the journal's digest columns.</summary>
        private static string Digest(StringBuilder text) => Hex.Lower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 16));
    }
}
