using System;

namespace S3Migration.Model
{
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum MigrationResultStatus { Verified, Skipped, Failed, Conflict, NotPlanned }

    /// <summary>What Copy-PersonFiles did with one item. Properties bind by name into Test-MigrationIntegrity.</summary>
    public sealed class MigrationResult : RecordedCopy
    {
        public MigrationResultStatus Status { get; set; }
        /// <summary>How equality was proven: etag, md5, checksum, or content (both sides hashed).</summary>
        public string VerifiedBy { get; set; } = "";
        /// <summary>Copies sent for this item (0 when none was needed, 2 after one re-copy).</summary>
        public int Attempts { get; set; }
        /// <summary>Requests retried after throttling, server errors or dropped connections.</summary>
        public int Retries { get; set; }
        public TimeSpan Duration { get; set; }
        /// <summary>Duration in whole milliseconds: a number for scripts, CSV and JSON (a TimeSpan serializes as an object).</summary>
        public long DurationMs => (long)Duration.TotalMilliseconds;
        public string Notes { get; set; } = "";
        /// <summary>Why the item did not end Verified (None when it did): typed where the failure happened, never read from Notes.</summary>
        public FailureReason Reason { get; set; }
        /// <summary>S3's error code (AccessDenied, NoSuchBucket, ...) when Reason is S3Error; "" otherwise.</summary>
        public string ErrorCode { get; set; } = "";
        /// <summary>How a verified destination came to be (copied, found identical, made by an earlier run, overwritten).</summary>
        public CopyOrigin Origin { get; set; }
        public DateTime Timestamp { get; set; }
        /// <summary>The workspace whose journal records this result; binds -WorkspacePath of Test-MigrationIntegrity.</summary>
        public string WorkspacePath { get; set; } = "";

        /// <summary>True when an earlier run's journal row already records this result, so no new row is written.</summary>
        internal bool FromJournal { get; set; }

        internal void AddNote(string note) => Notes = Notes.Length == 0 ? note : Notes + "; " + note;

        public override string ToString() => $"{Status} {SourceKey} -> {TargetKey}";
    }
}
