using System;
using System.Collections.Generic;

namespace S3Migration.Model
{
    /// <summary>One object of the old layout as the inventory saw it (inventory_checksums.csv).</summary>
    public sealed class InventoriedObject
    {
        /// <summary>s3://bucket/key.</summary>
        public string Path { get; set; } = "";
        /// <summary>The inventory's MigrationItemStatus: Planned, Skipped, Orphan or Conflict.</summary>
        public string Status { get; set; } = "";
        public string Notes { get; set; } = "";
        /// <summary>Why an Orphan is one (inventory_checksums.csv's orphan_reason); None otherwise, and in an inventory written before that column.</summary>
        public OrphanReason OrphanReason { get; set; }
        /// <summary>Already in the destination layout (the inventory skipped it): not part of the old layout at all.</summary>
        public bool InNewLayout { get; set; }
    }

    /// <summary>One row of an integrity report (verification_report.csv or a dated watch report).</summary>
    public sealed class IntegrityRow
    {
        public string Status { get; set; } = "";
        /// <summary>s3://bucket/key of the source, or "" (an object found only at the destination).</summary>
        public string OldPath { get; set; } = "";
        public string NewPath { get; set; } = "";
        public string Reason { get; set; } = "";
    }

    /// <summary>The newest integrity check of the workspace: which file, when, and its rows.</summary>
    public sealed class IntegrityCheckFacts
    {
        /// <summary>The report's path relative to the workspace, such as verification_report.csv or reports/daily_..._verification.csv.</summary>
        public string Report { get; set; } = "";
        public DateTime CheckedAt { get; set; }
        public List<IntegrityRow> Rows { get; set; } = new List<IntegrityRow>();
    }

    /// <summary>What the copy journal says of one source: its last verified row, else its last row.</summary>
    public sealed class JournaledCopy
    {
        public string OldPath { get; set; } = "";
        public bool Migrated { get; set; }
        /// <summary>verified, failed or conflict (migration_log.csv's verification_status).</summary>
        public string Status { get; set; } = "";
        public string Error { get; set; } = "";
    }

    /// <summary>What the cleanup decided last about one source (deletion_log.csv).</summary>
    public sealed class CleanupOutcome
    {
        public string OldPath { get; set; } = "";
        /// <summary>deleted, delete_marker, kept or failed.</summary>
        public string Status { get; set; } = "";
        public string Reason { get; set; } = "";
        public bool Deleted => Status == "deleted" || Status == "delete_marker";
    }

    /// <summary>Everything the final report's verdict is decided from, read from the workspace (FinalReport gathers it).</summary>
    public sealed class ClosureFacts
    {
        /// <summary>Every object of the old layout the inventory saw; null without an inventory in the workspace.</summary>
        public IReadOnlyList<InventoriedObject>? Inventory { get; set; }
        /// <summary>The newest integrity check; null when Test-MigrationIntegrity never wrote a report here.</summary>
        public IntegrityCheckFacts? Integrity { get; set; }
        public IReadOnlyList<JournaledCopy> Journal { get; set; } = Array.Empty<JournaledCopy>();
        /// <summary>The cleanup's last decision per source path; empty when Remove-MigrationSource did not run.</summary>
        public IReadOnlyDictionary<string, CleanupOutcome> Cleanup { get; set; } = new Dictionary<string, CleanupOutcome>();

        public bool BackupRun { get; set; }
        public bool BackupComplete { get; set; }
        public long BackupFailed { get; set; }

        public bool CleanupRun { get; set; }
        public bool CleanupListingVerified { get; set; }
        /// <summary>deletion_summary.json's objects_deleted (the last run), to be matched against the log.</summary>
        public long CleanupSummaryDeleted { get; set; }

        /// <summary>-AcceptLeftover: s3:// paths, keys or * and ? wildcard patterns of leftovers the operator accepts.</summary>
        public IReadOnlyList<string> AcceptPatterns { get; set; } = Array.Empty<string>();
    }

    /// <summary>Where a leftover stands: it blocks Closed unless the operator chose it or accepted it.</summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum LeftoverStanding { Blocking, ExcludedByChoice, AcceptedByOperator }

    /// <summary>An object of the old layout that is not both migrated-and-verified and deleted, or an integrity alarm.</summary>
    public sealed class Leftover
    {
        public string Path { get; set; } = "";
        /// <summary>What it is, in a few words: orphan, unmatched person folder, folder marker, Missing, failed copy, ...</summary>
        public string Kind { get; set; } = "";
        public string Why { get; set; } = "";
        public LeftoverStanding Standing { get; set; }
        /// <summary>The -AcceptLeftover pattern that accepted it, when accepted.</summary>
        public string AcceptedBy { get; set; } = "";

        public override string ToString() => $"{Path}: {Kind} ({Why}){(Standing == LeftoverStanding.Blocking ? "" : " [" + Standing + "]")}";
    }

    /// <summary>The final report's verdict: Closed or not, why not, and every leftover.</summary>
    public sealed class ClosureVerdict
    {
        public bool Closed { get; set; }
        /// <summary>Why the migration is not closed (empty when it is).</summary>
        public List<string> Reasons { get; } = new List<string>();
        public List<Leftover> Leftovers { get; } = new List<Leftover>();
        /// <summary>-AcceptLeftover patterns that matched no leftover (a typo, or something already resolved).</summary>
        public List<string> UnusedPatterns { get; } = new List<string>();
        /// <summary>Objects of the old layout verified in the new one and deleted, or verified and awaiting a cleanup that has not run.</summary>
        public int Accounted { get; set; }
    }
}
