namespace S3Migration.Model
{
    /// <summary>What Backup-MigrationSource backs up, where to, and how.</summary>
    public sealed class BackupOptions
    {
        public string SourceBucket { get; set; } = "";
        /// <summary>An S3 listing prefix, taken as it is ("media" also covers "media2/").</summary>
        public string SourcePrefix { get; set; } = "";
        public string BackupBucket { get; set; } = "";
        /// <summary>Put in front of every source key; ends with '/' unless empty (see Rules.BackupLocationRule.NormalizePrefix).</summary>
        public string BackupPrefix { get; set; } = "";
        /// <summary>GLACIER, DEEP_ARCHIVE or GLACIER_IR.</summary>
        public string StorageClass { get; set; } = "GLACIER";
        /// <summary>When set, copies are written in STANDARD and a lifecycle rule moves them to StorageClass after this many days.</summary>
        public int? TransitionAfterDays { get; set; }
        public string Workspace { get; set; } = "";
        public int ThrottleLimit { get; set; } = 16;
        public long MultipartThreshold { get; set; } = S3Limits.SingleRequestLimit;
        public long PartSize { get; set; } = 256L * 1024 * 1024;

        /// <summary>The class the copies are written in.</summary>
        public string WriteClass => TransitionAfterDays.HasValue ? "STANDARD" : StorageClass;
        public string SourceUrl => $"s3://{SourceBucket}/{SourcePrefix}";
        public string BackupUrl => $"s3://{BackupBucket}/{BackupPrefix}";

        /// <summary>Keys are kept: the backup key is the backup prefix plus the source key, so a restore is a copy back.</summary>
        public string BackupKeyOf(string sourceKey) => BackupPrefix + sourceKey;
    }
}
