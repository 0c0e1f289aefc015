using System;

namespace S3Migration.Model
{
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum BackupResultStatus { Verified, Skipped, Failed }

    /// <summary>What Backup-MigrationSource did with one source object.</summary>
    public sealed class BackupResult : BackupCopy
    {
        /// <summary>Verified: copied now and proven equal; Skipped: already backed up (earlier run or identical content); Failed: see Notes.</summary>
        public BackupResultStatus Status { get; set; }
        public DateTime Timestamp { get; set; }
        /// <summary>The error id of a failure (BackupFailed, BackupConflict, SourceArchived), else "".</summary>
        public string ErrorId { get; set; } = "";

        public override string ToString() => $"{Status} {SourceKey} -> {BackupKey}";
    }
}
