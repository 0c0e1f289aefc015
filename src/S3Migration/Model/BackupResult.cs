using System;

namespace S3Migration.Model
{
    public enum BackupResultStatus { Verified, Skipped, Failed }

    /// <summary>What Backup-MigrationSource did with one source object.</summary>
    public sealed class BackupResult
    {
        /// <summary>Verified: copied now and proven equal; Skipped: already backed up (earlier run or identical content); Failed: see Notes.</summary>
        public BackupResultStatus Status { get; set; }
        public string SourceBucket { get; set; } = "";
        public string SourceKey { get; set; } = "";
        public string BackupBucket { get; set; } = "";
        public string BackupKey { get; set; } = "";
        public long Size { get; set; }
        /// <summary>The class the backup was written in (STANDARD with -TransitionAfterDays, until the rule moves it).</summary>
        public string StorageClass { get; set; } = "";
        public string SourceETag { get; set; } = "";
        public string BackupETag { get; set; } = "";
        /// <summary>The source's MD5 when known (its ETag, when that is an MD5).</summary>
        public string Md5 { get; set; } = "";
        /// <summary>How equality was proven: etag, md5, checksum or content.</summary>
        public string VerifiedBy { get; set; } = "";
        public string Notes { get; set; } = "";
        public DateTime Timestamp { get; set; }
        /// <summary>The error id of a failure (BackupFailed, BackupConflict, SourceArchived), else "".</summary>
        public string ErrorId { get; set; } = "";

        public override string ToString() => $"{Status} {SourceKey} -> {BackupKey}";
    }
}
