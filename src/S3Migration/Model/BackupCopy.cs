namespace S3Migration.Model
{
    /// <summary>
    /// One source object and its backup copy: what Backup-MigrationSource's result and backup_manifest.csv's row both
    /// say, declared once. The result adds the run's status and error id, the manifest row the verdict it records.
    /// </summary>
    public abstract class BackupCopy
    {
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

        public S3Location Source() => new S3Location(SourceBucket, SourceKey);
        public S3Location Backup() => new S3Location(BackupBucket, BackupKey);
    }
}
