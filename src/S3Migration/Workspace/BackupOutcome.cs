using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// What a backup run ended with, as the workspace keeps it: the manifest rows (backup_manifest.csv), the completion
    /// check's figures and the lifecycle rule (backup_summary.json), from which RESTORE.md is written too.
    /// </summary>
    public sealed class BackupOutcome
    {
        public List<BackupEntry> Entries { get; } = new List<BackupEntry>();
        /// <summary>Objects the copy verified but the completion check did not (the backup changed or vanished since).</summary>
        public List<BackupResult> LateFailures { get; } = new List<BackupResult>();
        /// <summary>The lifecycle rule's id (with -TransitionAfterDays, once applied), or null.</summary>
        public string? LifecycleRuleId { get; set; }
        public int? TransitionAfterDays { get; set; }
        /// <summary>The read-back rule's size filter ("ObjectSizeGreaterThan 0"), or null when it has none or there is no rule.</summary>
        public string? LifecycleSizeFilter { get; set; }
        /// <summary>The bucket's default minimum object size for transitions, as read back with the rule; null when there is no rule.</summary>
        public string? TransitionDefaultMinimumObjectSize { get; set; }
        /// <summary>Backup objects per storage class, as the completion listing showed them.</summary>
        public SortedDictionary<string, long> StorageClasses { get; } = new SortedDictionary<string, long>(StringComparer.Ordinal);
        /// <summary>
        /// The class every listed backup object is in now ("mixed" when they differ, "" when none is listed): with
        /// -TransitionAfterDays it is STANDARD until the lifecycle rule has moved them, never the target class before.
        /// </summary>
        public string StorageClassNow => StorageClasses.Count == 1 ? StorageClasses.Keys.First() : StorageClasses.Count == 0 ? "" : "mixed";
        /// <summary>Backup objects the lifecycle rule would leave in STANDARD on Amazon S3, and why (LifecycleRules.LeftInStandard).</summary>
        public int NotTransitioned { get; set; }
        public string NotTransitionedReason { get; set; } = "";
        public long SourceObjects { get; set; }
        public long SourceBytes { get; set; }
        /// <summary>Source objects whose backup key exists in the backup location (listed after the copies).</summary>
        public long BackedUpObjects { get; set; }
        public long BackedUpBytes { get; set; }
        public long Verified { get; set; }
        public long Failed { get; set; }
        /// <summary>Every source object has a verified backup, and counts and bytes match.</summary>
        public bool Complete => Verified == SourceObjects && Failed == 0 && BackedUpObjects == SourceObjects && BackedUpBytes == SourceBytes;
        public DateTime Started { get; set; }
        public DateTime Finished { get; set; }
        public long Requests { get; set; }
        public int Retries { get; set; }
        public int EarlierJournalRows { get; set; }
        public long TornJournalBytes { get; set; }
        /// <summary>Objects under the backup location that belong to no current source object (say, of deleted sources).</summary>
        public long ExtraBackupObjects { get; set; }
    }
}
