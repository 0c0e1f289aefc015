using System;

namespace S3Migration.Model
{
    /// <summary>
    /// Deleted: gone, space reclaimed. DeleteMarker: hidden behind a delete marker on a versioned bucket, the verified
    /// version kept as a noncurrent version (recoverable, still billed). Kept: a check failed, nothing was deleted.
    /// Failed: the delete was sent and S3 refused it, or the listing afterwards still shows the object.
    /// </summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum RemovalStatus { Deleted, DeleteMarker, Kept, Failed }

    /// <summary>
    /// What Remove-MigrationSource did with one source object. The plan's addresses are the copy's (PlannedCopy); the
    /// size and ETag are the ones the source was checked against, not the copy's whole record.
    /// </summary>
    public sealed class RemovalResult : PlannedCopy
    {
        public RemovalStatus Status { get; set; }
        public string Notes { get; set; } = "";
        public long Size { get; set; }
        public string SourceETag { get; set; } = "";
        /// <summary>The source version that was checked (and, with -PermanentlyDeleteVersion, deleted); "" on unversioned buckets.</summary>
        public string VersionId { get; set; } = "";
        public string BackupBucket { get; set; } = "";
        public string BackupKey { get; set; } = "";
        /// <summary>Bytes this deletion gave back, as the listing afterwards confirmed (0 for a delete marker).</summary>
        public long BytesReclaimed { get; set; }
        public DateTime? DeletedAt { get; set; }

        public string SourcePath => Source().ToString();
        public override string ToString() => $"{Status} {SourcePath}";

        /// <summary>What the checks found, for the gate (PhaseGates.WhyKeepSource).</summary>
        internal SourceDeletionFacts Facts { get; } = new SourceDeletionFacts();

        internal void AddNote(string note) => Notes = Notes.Length == 0 ? note : Notes + "; " + note;

        /// <summary>Decided: the status and, for the operator, why.</summary>
        internal void Decide(RemovalStatus status, string why) { Status = status; Notes = why; }
    }
}
