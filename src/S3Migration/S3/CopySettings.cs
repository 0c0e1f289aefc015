using System;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>How Copy-PersonFiles copies: encryption, storage class, ACL, tags, overwrite and multipart sizes.</summary>
    public sealed class CopySettings
    {
        /// <summary>AES256, aws:kms, or null to keep the source's encryption.</summary>
        public string? ServerSideEncryption { get; set; }
        public string? KmsKeyId { get; set; }
        /// <summary>null keeps the source's storage class.</summary>
        public string? StorageClass { get; set; }
        public string? CannedAcl { get; set; }
        /// <summary>Add migration-date, source-structure and migration-id to each copy's tags.</summary>
        public bool AddMigrationTags { get; set; } = true;
        /// <summary>
        /// The workspace's migration id (MigrationState), tagged on every copy as migration-id: a copy found in place with
        /// identical content and this id was made by this migration (a run killed before journaling it), not found there.
        /// </summary>
        public string MigrationId { get; set; } = "";
        /// <summary>
        /// How each copy is proven once written. Head (the stricter) unless the caller chooses otherwise: the backup keeps
        /// it; Copy-PersonFiles passes its -Verify, CopyResponse by default.
        /// </summary>
        public CopyVerifyMode Verify { get; set; } = CopyVerifyMode.Head;
        /// <summary>Overwrite a destination that holds different content.</summary>
        public bool Force { get; set; }
        /// <summary>Objects larger than this use multipart UploadPartCopy; S3 allows CopyObject up to 5 GiB.</summary>
        public long MultipartThreshold { get; set; } = S3Limits.SingleRequestLimit;
        /// <summary>Part size for multipart copies of single-part sources; raised when 10,000 parts would not be enough.</summary>
        public long PartSize { get; set; } = 256L * 1024 * 1024;
        /// <summary>Parts of one object copied at once.</summary>
        public int PartConcurrency { get; set; } = 4;
        public DateTime MigrationDate { get; set; } = DateTime.UtcNow;
        /// <summary>The workspace's log of multipart uploads (announced, opened, settled), so a killed run's upload is aborted by the next; null: not logged.</summary>
        public IMultipartUploadRecorder? Uploads { get; set; }
    }
}
