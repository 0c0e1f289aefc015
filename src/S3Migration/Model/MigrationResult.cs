using System;
using S3Migration.Reports;

namespace S3Migration.Model
{
    public enum MigrationResultStatus { Verified, Skipped, Failed, Conflict, NotPlanned }

    /// <summary>What Copy-PersonFiles did with one item. Properties bind by name into Test-MigrationIntegrity.</summary>
    public sealed class MigrationResult
    {
        public string RowId { get; set; } = "";
        public string PersonName { get; set; } = "";
        public string FileType { get; set; } = "";
        public string SourceBucket { get; set; } = "";
        public string SourceKey { get; set; } = "";
        public string TargetBucket { get; set; } = "";
        public string TargetKey { get; set; } = "";
        public long Size { get; set; }
        public string Md5 { get; set; } = "";
        public string SourceETag { get; set; } = "";
        public string DestinationETag { get; set; } = "";
        public string ContentType { get; set; } = "";
        /// <summary>The source's preserved headers and user metadata as one digest, journaled so later checks can compare them.</summary>
        public string HeadersDigest { get; set; } = "";
        /// <summary>How many tags the copy gave the destination (the source's plus the migration's); null when unknown.</summary>
        public int? TagCount { get; set; }
        /// <summary>A digest of the tags the copy set (CopyProof.TagsDigestOf); "" when it left the source's tags as they were.</summary>
        public string TagsDigest { get; set; } = "";
        public MigrationResultStatus Status { get; set; }
        /// <summary>How equality was proven: etag, md5, checksum, or content (both sides hashed).</summary>
        public string VerifiedBy { get; set; } = "";
        /// <summary>Copies sent for this item (0 when none was needed, 2 after one re-copy).</summary>
        public int Attempts { get; set; }
        /// <summary>Requests retried after throttling, server errors or dropped connections.</summary>
        public int Retries { get; set; }
        public TimeSpan Duration { get; set; }
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
