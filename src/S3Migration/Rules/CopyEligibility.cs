using System;
using System.Text;
using S3Migration.Model;

namespace S3Migration.Rules
{
    /// <summary>
    /// Which items may be copied: the inventory's verdict and the addresses decide whether Copy-PersonFiles copies an
    /// item or passes it through, and whether Backup-MigrationSource can back a source up under its own key.
    /// </summary>
    public static class CopyEligibility
    {
        /// <summary>
        /// Why Copy-PersonFiles passes an item through without copying it, or null when it is to be copied.
        /// </summary>
        /// <param name="item">the item, its TargetBucket already resolved (input, else -DestinationBucket, else the source's)</param>
        /// <param name="status">the inventory's Status (null or "" when the input has none)</param>
        /// <param name="notes">the inventory's Notes, quoted in the reason</param>
        /// <param name="conflictKind">the inventory's ConflictKind of a Conflict</param>
        /// <param name="force">-Force</param>
        /// <param name="plannedBucket">the TargetBucket the input carried, if any</param>
        /// <param name="destinationBucket">-DestinationBucket, if given</param>
        public static string? WhyNotCopied(PlannedCopy item, string? status, string? notes, string? conflictKind, bool force, string? plannedBucket, string? destinationBucket)
        {
            // Planned items are copied. So are items the inventory found already migrated (Skipped with a target):
            // the engine confirms them, with no request when the journal verified them, so re-running the whole
            // pipeline after an interruption resumes it.
            var copyable = string.IsNullOrEmpty(status)
                           || string.Equals(status, nameof(MigrationItemStatus.Planned), StringComparison.OrdinalIgnoreCase)
                           || string.Equals(status, nameof(MigrationItemStatus.Skipped), StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(item.TargetKey)
                           // With -Force, a destination that holds other content may be replaced; two sources on one key never.
                           || force && string.Equals(status, nameof(MigrationItemStatus.Conflict), StringComparison.OrdinalIgnoreCase)
                              && string.Equals(conflictKind, nameof(ConflictKind.TargetDiffers), StringComparison.OrdinalIgnoreCase);
            if (!copyable)
                return $"inventory status {status}" + (string.IsNullOrEmpty(notes) ? "" : ": " + notes);
            if (string.IsNullOrEmpty(item.TargetKey)) return "no target key";
            if (item.TargetKey.StartsWith("/", StringComparison.Ordinal) || item.TargetKey.EndsWith("/", StringComparison.Ordinal))
                return $"target key '{item.TargetKey}' starts or ends with '/'";
            if (!string.IsNullOrEmpty(plannedBucket) && destinationBucket != null && plannedBucket != destinationBucket)
                return $"planned for bucket '{plannedBucket}', not -DestinationBucket '{destinationBucket}'; run Get-MigrationInventory with -DestinationBucket {destinationBucket}";
            if (item.SourceBucket == item.TargetBucket && item.SourceKey == item.TargetKey) return "the target is the source";
            return null;
        }

        /// <summary>Why a source cannot be backed up under its own key (its TargetKey is the backup key), or null.</summary>
        public static string? WhyNotBackedUp(PlannedCopy item)
        {
            // The SDK drops a leading '/' of a copy source, so the copy would read another object (or none).
            if (item.SourceKey.StartsWith("/", StringComparison.Ordinal))
                return "the source key starts with '/', which the SDK cannot name as a copy source; copy it by hand (aws s3api copy-object)";
            if (Encoding.UTF8.GetByteCount(item.TargetKey) > TargetKeyBuilder.MaxKeyBytes)
                return $"the backup key would be longer than S3's {TargetKeyBuilder.MaxKeyBytes} bytes; use a shorter -BackupPrefix";
            return null;
        }
    }
}
