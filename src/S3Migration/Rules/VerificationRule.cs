using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;

namespace S3Migration.Rules
{
    /// <summary>
    /// When a copy counts as verified (DESIGN.md, "What verified means"), in one place, for the copy, the integrity check,
    /// the backup, the cleanup and the planner alike. The destination matches a <see cref="CopyProof"/> (the live source's,
    /// or the journal's record of it) when:
    /// - its size equals the source's;
    /// - its Content-Type, Cache-Control, Content-Disposition, Content-Encoding, Content-Language and user metadata equal
    ///   the source's (compared one by one against a live source, by digest against the journal);
    /// - it carries as many tags as the copy gave it (the source's plus the migration's), where that is known;
    /// - it still has the ETag the copy verified, once a copy was recorded (any rewrite changes the ETag);
    /// - its content is proven equal by
    ///   1. equal ETags, both MD5s or both multipart ETags (the MD5 of the parts' MD5s, so the same parts), or
    ///   2. the destination's MD5 ETag equal to the source's known MD5 (from the inventory or a computed one), or
    ///   3. equal S3 full-object checksums of the same algorithm, or
    ///   4. the ETag the copy verified (when the copy itself proved the content), unless the caller wants content read.
    /// Otherwise the content is Unproven, and the caller hashes both sides (<see cref="CompareContent"/>) before deciding.
    /// Right after a copy, the copy's own answer may stand in for a HEAD of the destination (<see cref="CompareCopyResponse"/>).
    /// How a copy was proven is journaled (verified_by): "etag", "md5", "checksum" and "content" were read back from the
    /// destination (HEAD, or both contents hashed); <see cref="ByCopyResponse"/> was not.
    /// </summary>
    public static class VerificationRule
    {
        /// <summary>
        /// verified_by of a copy proven by its CopyObject answer alone (Copy-PersonFiles -Verify CopyResponse): the ETag S3
        /// computed over the stored copy equals the source's MD5, so the content (and with it the size) is the source's.
        /// Content-Type, the other headers and user metadata were copied by S3 in that same request (MetadataDirective=COPY),
        /// and the tags were the ones that request set (TaggingDirective): S3 stores all of it or none, but nobody read them
        /// back. -Verify Head, Test-MigrationIntegrity and the cleanup's own checks read them.
        /// </summary>
        public const string ByCopyResponse = "copy-response";

        /// <summary>
        /// The copy's answer as proof, right after the copy (<see cref="CopyVerifyMode.CopyResponse"/>). Verified when its
        /// ETag is an MD5 S3 computed over the stored copy (single-part, not SSE-KMS) and equals the source's known MD5;
        /// Mismatch when such an ETag differs; Unproven when the answer cannot prove the content (multipart, SSE-KMS, an
        /// ETag that is no MD5, no known MD5 of the source): then the caller HEADs the destination and asks <see cref="Compare(CopyProof, ObjectFacts, bool)"/>.
        /// </summary>
        public static VerificationOutcome CompareCopyResponse(CopyProof expected, CopyReceipt copy)
        {
            var etag = ETag.Clean(copy.ETag);
            // A multipart ETag is the MD5 of the parts' MD5s; under SSE-KMS (or DSSE-KMS) an ETag is no MD5 at all.
            if (copy.Multipart || copy.Encryption.StartsWith("aws:kms", StringComparison.Ordinal) || !ETag.LooksLikeMd5(etag))
                return new VerificationOutcome(Verdict.Unproven, "", "the copy's ETag is no MD5 of its content (multipart or SSE-KMS)");
            var md5 = expected.SourceETagIsMd5 ? ETag.Clean(expected.SourceETag) : ETag.Clean(expected.Md5);
            if (!ETag.LooksLikeMd5(md5))
                return new VerificationOutcome(Verdict.Unproven, "", "the source's MD5 is not known");
            return etag == md5
                ? new VerificationOutcome(Verdict.Verified, ByCopyResponse, "")
                : new VerificationOutcome(Verdict.Mismatch, "", $"the copy's MD5 {etag}, source {md5}");
        }
        /// <summary>
        /// The source's MD5 as far as it can be trusted once the source's HEAD is known. The inventory takes the ETag for
        /// the MD5 when the bucket's default encryption is not SSE-KMS, but one object may still be encrypted with
        /// SSE-KMS or a customer key, and then its ETag is no MD5: that value is dropped, so verification falls back to
        /// checksums or content, and no wrong md5_hash reaches the journal. Without one, a plain ETag is the MD5.
        /// </summary>
        public static string TrustedMd5(string inventoryMd5, ObjectFacts source)
        {
            if (!source.ETagIsMd5 && inventoryMd5 == source.ETag) return "";
            return inventoryMd5.Length == 0 && source.ETagIsMd5 ? source.ETag : inventoryMd5;
        }

        /// <summary>The rule against a live source (copy time, or a destination found in place).</summary>
        public static VerificationOutcome Compare(ObjectFacts source, string? sourceMd5, ObjectFacts destination, int? tagCount = null) =>
            Compare(CopyProof.FromSource(source, sourceMd5, tagCount), destination, readContent: false);

        /// <param name="readContent">
        /// -Deep: an ETag that is no MD5 (multipart, SSE-KMS) proves only that nothing rewrote the object since the copy;
        /// return Unproven instead, so the caller hashes both contents.
        /// </param>
        public static VerificationOutcome Compare(CopyProof expected, ObjectFacts destination, bool readContent)
        {
            if (SizeOrETagDiffer(expected, destination.Size, destination.ETag) is { } differs) return differs;
            var dstEtag = ETag.Clean(destination.ETag);
            var recorded = ETag.Clean(expected.DestinationETag);
            var headers = DifferentHeaders(expected, destination);
            if (headers.Count > 0)
                return new VerificationOutcome(Verdict.Mismatch, "", "not preserved: " + string.Join(", ", headers));
            if (expected.TagCount.HasValue && (destination.TagCount ?? 0) != expected.TagCount.Value)
                return new VerificationOutcome(Verdict.Mismatch, "", $"tags: it carries {destination.TagCount ?? 0}, the copy gave it {expected.TagCount.Value} (tags removed or replaced)");
            if (expected.TagsDigest.Length > 0 && destination.TagsDigest != null && destination.TagsDigest != expected.TagsDigest)
                return new VerificationOutcome(Verdict.Mismatch, "", "tags: they are not the ones the copy set (replaced since the copy)");

            var srcEtag = ETag.Clean(expected.SourceETag);
            var bothPlain = expected.SourceETagIsMd5 && destination.ETagIsMd5;
            var bothMultipart = ETag.IsMultipart(srcEtag) && ETag.IsMultipart(dstEtag) && !destination.CustomerKey && !expected.SourceEncryptedByKey
                                && !destination.Encryption.StartsWith("aws:kms", StringComparison.Ordinal);
            if (bothPlain || bothMultipart)
                return srcEtag == dstEtag
                    ? new VerificationOutcome(Verdict.Verified, "etag", "")
                    : bothPlain
                        ? new VerificationOutcome(Verdict.Mismatch, "", $"MD5 {dstEtag}, source {srcEtag}")
                        : new VerificationOutcome(Verdict.Unproven, "", "multipart ETags with different part layouts");

            var md5 = ETag.Clean(expected.Md5);
            if (destination.ETagIsMd5 && ETag.LooksLikeMd5(md5))
                return dstEtag == md5
                    ? new VerificationOutcome(Verdict.Verified, "md5", "")
                    : new VerificationOutcome(Verdict.Mismatch, "", $"MD5 {dstEtag}, source {md5}");

            if (expected.FullObjectChecksum.Length > 0 && destination.FullObjectChecksum.Length > 0
                && Algorithm(expected.FullObjectChecksum) == Algorithm(destination.FullObjectChecksum))
                return expected.FullObjectChecksum == destination.FullObjectChecksum
                    ? new VerificationOutcome(Verdict.Verified, "checksum", "")
                    : new VerificationOutcome(Verdict.Mismatch, "", $"{Algorithm(destination.FullObjectChecksum)} checksum differs");

            if (recorded.Length > 0 && !readContent)
                return new VerificationOutcome(Verdict.Verified, "etag", "");
            return new VerificationOutcome(Verdict.Unproven, "", recorded.Length > 0
                ? "its ETag proves only that it is unchanged since the copy; hashing both contents"
                : "no ETag or checksum proves the content (encryption or part layout)");
        }

        /// <summary>
        /// The rule as far as a listing shows a destination (size and ETag, no headers or tags): Verified ("listing") when
        /// it still has the size and the ETag the copy verified. Any write of other bytes gives an object another ETag
        /// (an MD5 ETag changes with the content, a multipart or SSE-KMS ETag with every upload), so this proves the content
        /// is the one verified at the copy. It does not see headers, user metadata or tags rewritten in place with the same
        /// bytes: the caller HEADs for those (Test-MigrationIntegrity -Verify Head, -Deep, the cleanup). Unproven when the
        /// copy recorded no destination ETag: only a HEAD tells whether an ETag is an MD5 (SSE-KMS is not in a listing).
        /// </summary>
        public static VerificationOutcome CompareListed(CopyProof expected, long size, string etag)
        {
            if (SizeOrETagDiffer(expected, size, etag) is { } differs) return differs;
            return ETag.Clean(expected.DestinationETag).Length > 0
                ? new VerificationOutcome(Verdict.Verified, "listing", "")
                : new VerificationOutcome(Verdict.Unproven, "", "no recorded destination ETag: a listing cannot prove the content");
        }

        private static VerificationOutcome? SizeOrETagDiffer(CopyProof expected, long size, string etag)
        {
            if (size != expected.Size)
                return new VerificationOutcome(Verdict.Mismatch, "", $"size {size}, source {expected.Size}");
            // A rewrite changes the ETag: said first, since new headers or tags would only be its consequence.
            var dstEtag = ETag.Clean(etag);
            var recorded = ETag.Clean(expected.DestinationETag);
            if (recorded.Length > 0 && dstEtag != recorded)
                return new VerificationOutcome(Verdict.Mismatch, "", $"ETag {dstEtag}, the copy verified {recorded}: the object was rewritten");
            return null;
        }

        /// <summary>
        /// "Already migrated?": whether a verified copy's record (the journal's row) still describes the same source and the
        /// same destination, as a listing or a HEAD shows them now (same target, same sizes, the ETags it recorded), so
        /// nothing needs copying again. Asked by the planner, the copy and the backup, of verified records only.
        /// </summary>
        /// <remarks>
        /// Given the source's HEAD, its headers and user metadata must also still be the ones the copy preserved (the row's
        /// headers_digest, where recorded): a rewrite of them in place keeps the bytes, so the ETag and size, and the copy
        /// would otherwise be confirmed with the old ones.
        /// </remarks>
        /// <param name="doneVerified">whether the journal verified the record: a failed or conflicting attempt is never "already migrated"</param>
        public static bool StillAsJournaled(RecordedCopy done, bool doneVerified, string targetPath, ObjectFacts source, long destinationSize, string destinationETag) =>
            doneVerified && StillAsJournaled(done.Target().ToString(), done.Size, done.SourceETag, done.DestinationETag, targetPath, source.Size, source.ETag, destinationSize, destinationETag)
            && SourceChangeSinceCopy(done, source) == null; // the cleanup's own "source unchanged" question, headers included

        /// <summary>
        /// Whether a source is still what its copy recorded, as its HEAD shows it now: the same size and ETag, and (where
        /// the record has the digest) the same headers and user metadata, which can be rewritten in place with the same
        /// bytes and ETag. Null when unchanged; else what changed, in parentheses. The cleanup asks it before deleting a source.
        /// </summary>
        public static string? SourceChangeSinceCopy(RecordedCopy copied, ObjectFacts source)
        {
            if (source.Size != copied.Size || ETag.Clean(source.ETag) != ETag.Clean(copied.SourceETag))
                return $"(now {source.Size} bytes, ETag {ETag.Clean(source.ETag)}; copied {copied.Size} bytes, ETag {ETag.Clean(copied.SourceETag)})";
            if (copied.HeadersDigest.Length > 0 && CopyProof.HeadersDigestOf(source) != copied.HeadersDigest)
                return "(same bytes, but its Content-Type, Cache-Control, Content-Disposition, Content-Encoding, Content-Language or user metadata were rewritten)";
            return null;
        }

        /// <summary>The same question of a verified row's four facts (the planner keeps only these per source).</summary>
        public static bool StillAsJournaled(string doneNewPath, long doneSize, string doneSourceETag, string doneDestinationETag,
            string targetPath, long sourceSize, string sourceETag, long destinationSize, string destinationETag) =>
            doneNewPath == targetPath && destinationSize == doneSize && sourceSize == doneSize
            && ETag.Clean(destinationETag) == ETag.Clean(doneDestinationETag) && ETag.Clean(sourceETag) == ETag.Clean(doneSourceETag);

        /// <summary>Compares two MD5s computed by reading both contents.</summary>
        public static VerificationOutcome CompareContent(string sourceMd5, string destinationMd5) =>
            ETag.Clean(sourceMd5) == ETag.Clean(destinationMd5) && sourceMd5.Length > 0
                ? new VerificationOutcome(Verdict.Verified, "content", "", ETag.Clean(sourceMd5))
                : new VerificationOutcome(Verdict.Mismatch, "", $"content MD5 {destinationMd5}, source {sourceMd5}");

        private static List<string> DifferentHeaders(CopyProof expected, ObjectFacts d)
        {
            var diff = new List<string>();
            if (expected.Headers is { } s)
            {
                if (!string.Equals(s.ContentType, d.ContentType, StringComparison.Ordinal)) diff.Add($"Content-Type '{d.ContentType}' (source '{s.ContentType}')");
                if (s.CacheControl != d.CacheControl) diff.Add("Cache-Control");
                if (s.ContentDisposition != d.ContentDisposition) diff.Add("Content-Disposition");
                if (s.ContentEncoding != d.ContentEncoding) diff.Add("Content-Encoding");
                if (s.ContentLanguage != d.ContentLanguage) diff.Add("Content-Language");
                var missing = s.Metadata.Where(m => !d.Metadata.TryGetValue(m.Key, out var v) || v != m.Value).Select(m => m.Key)
                    .Concat(d.Metadata.Keys.Where(k => !s.Metadata.ContainsKey(k))).ToList();
                if (missing.Count > 0) diff.Add("metadata " + string.Join(", ", missing));
                return diff;
            }
            // From the journal: the Content-Type by value, the rest by digest (journals from before the digest have none).
            if (expected.ContentType.Length > 0 && !string.Equals(expected.ContentType, d.ContentType, StringComparison.Ordinal))
                diff.Add($"Content-Type '{d.ContentType}', recorded '{expected.ContentType}'");
            else if (expected.HeadersDigest.Length > 0 && CopyProof.HeadersDigestOf(d) != expected.HeadersDigest)
                diff.Add("Cache-Control, Content-Disposition, Content-Encoding, Content-Language or user metadata changed since the copy");
            return diff;
        }

        private static string Algorithm(string checksum) => checksum.Substring(0, Math.Max(0, checksum.IndexOf(':')));
    }
}
