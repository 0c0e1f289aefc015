using System.Collections.Generic;
using S3Migration.Model;
using S3Migration.Phases.Copy;
using S3Migration.Workspace;

namespace S3Migration.Phases.Backup
{
    /// <summary>A copy's result in backup terms: the copy engine's Conflict (other content at the backup key) is a failure, never overwritten.</summary>
    public static class BackupResultOf
    {
        /// <param name="writeClass">the class the backups are written in</param>
        /// <param name="journal">backup_log.csv's verified rows, for when an earlier run backed a source up</param>
        public static BackupResult Copy(CopyOutcome o, string writeClass, IReadOnlyDictionary<string, JournalRow> journal)
        {
            var r = o.Copy;
            var b = new BackupResult
            {
                SourceBucket = r.SourceBucket, SourceKey = r.SourceKey, BackupBucket = r.TargetBucket, BackupKey = r.TargetKey, Size = r.Size,
                StorageClass = writeClass, SourceETag = r.SourceETag, BackupETag = r.DestinationETag, VerifiedBy = r.VerifiedBy,
                Notes = r.Notes, Timestamp = r.Timestamp, Md5 = r.Md5,
            };
            switch (r.Status)
            {
                case MigrationResultStatus.Verified: b.Status = BackupResultStatus.Verified; break;
                case MigrationResultStatus.Skipped:
                    b.Status = BackupResultStatus.Skipped;
                    if (r.FromJournal && journal.TryGetValue(r.Source().ToString(), out var done)) b.Timestamp = done.Timestamp;
                    break;
                case MigrationResultStatus.Conflict:
                    b.Status = BackupResultStatus.Failed;
                    b.ErrorId = "BackupConflict";
                    b.Notes = r.Notes.Replace("the destination holds different content", "the backup location already holds different content at this key")
                        .Replace("(use -Force to replace it)", "(check what it is; move or delete it, or choose another -BackupPrefix, then run again)");
                    break;
                default:
                    b.Status = BackupResultStatus.Failed;
                    b.ErrorId = r.Reason == FailureReason.SourceArchived ? "SourceArchived" : "BackupFailed";
                    // The engine HEADs the source first and reports an archived one without reading it; an archive error
                    // S3 answered to a request is the engine hashing the backup (no ETag proved it: SSE-KMS, say), which a
                    // cold class does not allow. Say so, rather than blame the source.
                    if (r.Reason == FailureReason.SourceArchived && o.RefusedAsArchived && StorageClasses.IsArchived(writeClass))
                    {
                        b.ErrorId = "BackupUnprovable";
                        b.Notes = "the copy could not be proven equal without reading it: the source's ETag is no MD5 (SSE-KMS or a customer key, say) and has no full-object checksum, "
                                  + $"and a {writeClass} backup cannot be read until restored. Run with -TransitionAfterDays (copies are verified in STANDARD, "
                                  + "then moved by the lifecycle rule) or -StorageClass GLACIER_IR"
                                  + (o.Unverified == UnverifiedCopy.LeftBehind ? "; " + r.Notes : o.Unverified == UnverifiedCopy.Deleted ? "; the unverified copy was deleted" : "");
                    }
                    break;
            }
            return b;
        }
    }
}
