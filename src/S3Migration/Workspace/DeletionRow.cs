using System;
using System.Collections.Generic;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// One row of deletion_log.csv: what Remove-MigrationSource decided about one source object, or (status
    /// <see cref="Deleting"/>) that it is about to send the DeleteObjects request for it.
    /// </summary>
    public sealed class DeletionRow
    {
        /// <summary>The columns, in this order: written and read only by DeletionJournal, which every other reader asks.</summary>
        public static readonly string[] Columns =
        {
            "source_path", "version_id", "file_type", "size", "source_etag", "new_s3_path", "backup_path", "status", "reason", "deleted_at",
        };

        public const string Deleted = "deleted";
        public const string DeleteMarker = "delete_marker";
        public const string Kept = "kept";
        public const string Failed = "failed";
        /// <summary>
        /// The intent: written (and flushed to disk) for every key of a DeleteObjects batch before the request is sent.
        /// An intent that no later row settles means the run stopped in between; the next run reconciles it against a listing.
        /// </summary>
        public const string Deleting = "deleting";

        private static readonly HashSet<string> Statuses = new HashSet<string>(StringComparer.Ordinal) { Deleted, DeleteMarker, Kept, Failed, Deleting };

        /// <summary>The source is gone from the old layout: deleted, or hidden behind a delete marker.</summary>
        public bool IsGone => Status == Deleted || Status == DeleteMarker;

        internal static bool IsStatus(string status) => Statuses.Contains(status);

        public string SourcePath { get; set; } = "";
        public string VersionId { get; set; } = "";
        public string FileType { get; set; } = "";
        public long Size { get; set; }
        public string SourceETag { get; set; } = "";
        public string NewPath { get; set; } = "";
        public string BackupPath { get; set; } = "";
        /// <summary>deleted, delete_marker, kept, failed, or deleting (an intent).</summary>
        public string Status { get; set; } = "";
        public string Reason { get; set; } = "";
        /// <summary>When S3 confirmed the delete; null for kept and failed rows.</summary>
        public DateTime? DeletedAt { get; set; }

        /// <summary>The row of a decided source: the one mapping from a RemovalResult to the log's columns.</summary>
        public static DeletionRow From(RemovalResult r) => new DeletionRow
        {
            SourcePath = r.SourcePath, VersionId = r.VersionId, FileType = r.FileType, Size = r.Size, SourceETag = r.SourceETag,
            NewPath = r.TargetKey.Length > 0 ? r.Target().ToString() : "",
            BackupPath = r.BackupKey.Length > 0 ? new S3Location(r.BackupBucket, r.BackupKey).ToString() : "",
            Status = r.Status switch
            {
                RemovalStatus.Deleted => Deleted, RemovalStatus.DeleteMarker => DeleteMarker, RemovalStatus.Kept => Kept, _ => Failed,
            },
            Reason = r.Notes, DeletedAt = r.DeletedAt,
        };

        /// <summary>The result an intent row stands for, before its outcome is known: Kept until a listing settles it.</summary>
        public RemovalResult ToIntendedResult()
        {
            var r = new RemovalResult { Status = RemovalStatus.Kept, VersionId = VersionId, FileType = FileType, Size = Size, SourceETag = SourceETag };
            (r.SourceBucket, r.SourceKey) = S3Location.TryParse(SourcePath) ?? new S3Location("", "");
            (r.TargetBucket, r.TargetKey) = S3Location.TryParse(NewPath) ?? new S3Location("", "");
            (r.BackupBucket, r.BackupKey) = S3Location.TryParse(BackupPath) ?? new S3Location("", "");
            return r;
        }
    }
}
