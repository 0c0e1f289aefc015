using System.Collections.Generic;

namespace S3Migration.Model
{
    /// <summary>The outcome of one check a gate needs: passed, or why not (written for the operator).</summary>
    public sealed class GateCheck
    {
        private GateCheck(bool ok, string why) { Ok = ok; Why = why; }
        public static readonly GateCheck Passed = new GateCheck(true, "");
        public static GateCheck Failed(string why) => new GateCheck(false, why);
        public bool Ok { get; }
        public string Why { get; }
    }

    /// <summary>
    /// What Remove-MigrationSource found out about one old-layout source, for <see cref="PhaseGates.WhyKeepSource"/>.
    /// A check left null was not made (an earlier one failed, or it could not be made): it proves nothing.
    /// </summary>
    public sealed class SourceDeletionFacts
    {
        /// <summary>The source still exists and is what was copied (HEAD: the journal's size and ETag).</summary>
        public GateCheck? Source { get; set; }
        /// <summary>The destination is identical to the source now, by the module's one verification rule.</summary>
        public GateCheck? Destination { get; set; }
        /// <summary>A verified backup of this very content exists, as the backup manifest recorded it.</summary>
        public GateCheck? Backup { get; set; }
        /// <summary>-SkipBackupCheck: the operator chose to delete without a verified backup.</summary>
        public bool BackupCheckSkipped { get; set; }
        /// <summary>The people CSV's URLs that name this source; null while the CSV was not read.</summary>
        public IReadOnlyList<CsvUrlReference>? CsvReferences { get; set; }
        /// <summary>-SkipCsvCheck: the operator chose to delete without reading the people CSV.</summary>
        public bool CsvCheckSkipped { get; set; }
    }

    /// <summary>Where the source of a migrated copy is now, as Undo-Migration found it.</summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum SourceNow
    {
        /// <summary>A HEAD found it.</summary>
        Present,
        /// <summary>deletion_log.csv says Remove-MigrationSource deleted it.</summary>
        DeletedByCleanup,
        /// <summary>deletion_log.csv says a delete marker hides it; the version is kept as a noncurrent version.</summary>
        HiddenByDeleteMarker,
        /// <summary>A HEAD answered 404: gone, and not by this workspace's cleanup.</summary>
        Missing,
        /// <summary>The HEAD failed; nothing is known.</summary>
        Unknown,
    }

    /// <summary>What Undo-Migration knows about the source of a destination it would delete, for <see cref="PhaseGates.WhyKeepDestination"/>.</summary>
    public sealed class UndoFacts
    {
        public string SourceBucket { get; set; } = "";
        public string SourceKey { get; set; } = "";
        public string TargetBucket { get; set; } = "";
        public string TargetKey { get; set; } = "";
        public SourceNow Source { get; set; }
        /// <summary>When the cleanup deleted it, or why the HEAD failed; "" when there is nothing to add.</summary>
        public string Detail { get; set; } = "";
        /// <summary>The source version a delete marker hides ("" when unknown).</summary>
        public string VersionId { get; set; } = "";
        /// <summary>s3://bucket/key of the source's verified Glacier backup, or "" when none is known.</summary>
        public string BackupPath { get; set; } = "";
        /// <summary>
        /// The URLs of the people CSV the workspace serves that name this destination (the CSV update pointed them at it);
        /// null when the workspace knows no CSV.
        /// </summary>
        public IReadOnlyList<CsvUrlReference>? CsvReferences { get; set; }
    }
}
