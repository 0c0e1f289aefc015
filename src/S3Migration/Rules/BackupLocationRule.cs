using System;
using System.Linq;
using S3Migration.Model;

namespace S3Migration.Rules
{
    /// <summary>Where a backup may go: a cold class, a usable prefix, and a location that does not overlap its source.</summary>
    public static class BackupLocationRule
    {
        public static readonly string[] ColdClasses = { "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR" };

        /// <summary>A backup prefix ends with '/', so "backups/2025" puts keys under "backups/2025/", not "backups/2025media/".</summary>
        public static string NormalizePrefix(string? prefix) =>
            string.IsNullOrEmpty(prefix) ? "" : prefix!.EndsWith("/", StringComparison.Ordinal) ? prefix! : prefix + "/";

        /// <summary>
        /// Refuses a backup location the source listing would include, or that would include the source: the backup would
        /// back up itself on the next run, and a restore would overwrite the backup. Prefixes compare as S3 lists them
        /// (plain string prefixes), so "media" and "media-backup/" overlap.
        /// </summary>
        public static void Check(BackupOptions o)
        {
            if (!ColdClasses.Contains(o.StorageClass))
                throw new MigrationException("InvalidStorageClass", MigrationErrorKind.InvalidArgument,
                    $"-StorageClass '{o.StorageClass}' is not a backup class; use GLACIER, DEEP_ARCHIVE or GLACIER_IR.");
            if (o.BackupPrefix.StartsWith("/", StringComparison.Ordinal))
                throw new MigrationException("InvalidBackupPrefix", MigrationErrorKind.InvalidArgument,
                    $"-BackupPrefix '{o.BackupPrefix}' starts with '/': S3 keys have no leading slash, and the SDK cannot copy from such keys. Drop the leading '/'.");
            if (o.TransitionAfterDays is int d && d < 0)
                throw new MigrationException("InvalidTransitionDays", MigrationErrorKind.InvalidArgument, "-TransitionAfterDays must be 0 or more.");
            if (o.SourceBucket != o.BackupBucket) return;
            var backup = o.BackupPrefix + o.SourcePrefix; // where the backups of this source land
            if (backup.StartsWith(o.SourcePrefix, StringComparison.Ordinal) || o.SourcePrefix.StartsWith(o.BackupPrefix, StringComparison.Ordinal))
                throw new MigrationException("BackupOverlapsSource", MigrationErrorKind.InvalidArgument,
                    $"The backup location {o.BackupUrl} overlaps the source {o.SourceUrl}: in one bucket, neither prefix may start with the other "
                    + "(or the backup would back itself up, and a restore would overwrite it). Pass -BackupBucket of another bucket, or a -BackupPrefix outside -SourcePrefix "
                    + "(with an empty -SourcePrefix, the source is the whole bucket: use another bucket).", target: o.BackupUrl);
        }
    }
}
