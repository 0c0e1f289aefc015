using S3Migration.Model;

namespace S3Migration.Phases.Copy
{
    /// <summary>What became of a copy this run wrote but could not verify (it must never look like a migrated file).</summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum UnverifiedCopy
    {
        /// <summary>None was left: the copy verified, none was written, or the destination was no longer this run's copy.</summary>
        None,
        /// <summary>It was deleted.</summary>
        Deleted,
        /// <summary>It could not be deleted; the result's notes say where it is, to delete by hand.</summary>
        LeftBehind,
    }

    /// <summary>One copy's result and what became of an unverified copy it wrote.</summary>
    /// <param name="RefusedAsArchived">
    /// S3 refused a request of the copy (the copy itself, or reading a side to hash it) because the object is archived; a
    /// source its HEAD shows archived fails before any such request, without this.
    /// </param>
    public sealed record CopyOutcome(MigrationResult Copy, UnverifiedCopy Unverified, bool RefusedAsArchived);
}
