using System;
using System.Collections.Generic;

namespace S3Migration.Model
{
    /// <summary>What a HEAD request says about an object: the facts a verification compares.</summary>
    public sealed class ObjectFacts
    {
        public long Size { get; set; }
        /// <summary>S3's time of the object's last write (HEAD's Last-Modified, to the second); null when not known.</summary>
        public DateTime? LastModified { get; set; }
        public string ETag { get; set; } = "";
        public string ContentType { get; set; } = "";
        public string CacheControl { get; set; } = "";
        public string ContentDisposition { get; set; } = "";
        public string ContentEncoding { get; set; } = "";
        public string ContentLanguage { get; set; } = "";
        public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        /// <summary>AES256, aws:kms, aws:kms:dsse or "" (none reported).</summary>
        public string Encryption { get; set; } = "";
        public string KmsKeyId { get; set; } = "";
        public bool CustomerKey { get; set; }
        public string StorageClass { get; set; } = "";
        /// <summary>"algorithm:value" of an S3 full-object checksum (e.g. CRC64NVME), or "".</summary>
        public string FullObjectChecksum { get; set; } = "";
        /// <summary>The x-amz-tagging-count header, or null when the server did not send it.</summary>
        public int? TagCount { get; set; }
        /// <summary>CopyProof.TagsDigestOf the object's tags, when they were read (GetObjectTagging); null when not.</summary>
        public string? TagsDigest { get; set; }
        /// <summary>The x-amz-restore state: null when never restored, true while a restore runs, false when a restored copy is readable.</summary>
        public bool? RestoreInProgress { get; set; }
        public string ArchiveStatus { get; set; } = "";

        /// <summary>True when the ETag is the MD5 of the content: the MD5 shape and no KMS or customer-key encryption.</summary>
        public bool ETagIsMd5 => ETag.Length > 0 && Model.ETag.LooksLikeMd5(ETag)
                                 && !Encryption.StartsWith("aws:kms", StringComparison.Ordinal) && !CustomerKey;

        /// <summary>Archived and not restored: reads and copies answer InvalidObjectState or ObjectNotInActiveTierError.</summary>
        public bool NeedsRestore =>
            (StorageClasses.IsArchived(StorageClass) && RestoreInProgress != false) || ArchiveStatus.Length > 0 && RestoreInProgress != false;
    }

    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum Verdict { Verified, Mismatch, Unproven }

    public sealed class VerificationOutcome
    {
        public VerificationOutcome(Verdict verdict, string how, string why, string sourceMd5 = "") { Verdict = verdict; How = how; Why = why; SourceMd5 = sourceMd5; }
        public Verdict Verdict { get; }
        /// <summary>For Verified: etag, md5, checksum, content, or listing (size and ETag as a listing shows them; no headers read).</summary>
        public string How { get; }
        /// <summary>For Mismatch and Unproven: what differs or what is missing.</summary>
        public string Why { get; }
        /// <summary>
        /// The source's MD5 when this verdict read both contents (VerificationRule.CompareContent), else "". The copy journals
        /// it, so a later -Deep check can prove the content after the source is gone (SSE-KMS sources have no MD5 ETag).
        /// </summary>
        public string SourceMd5 { get; }
    }
}
