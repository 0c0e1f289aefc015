namespace S3Migration.Model
{
    /// <summary>
    /// How a verified destination came to be. Undo-Migration, the integrity check and the reports decide by this value
    /// (journaled in its own column), not by the wording of a note: only what the migration itself created may be undone.
    /// </summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum CopyOrigin
    {
        /// <summary>Not a verified destination (failed, conflict, not planned), or a journal row written before the column existed.</summary>
        None,
        /// <summary>This run copied it.</summary>
        Copied,
        /// <summary>The destination already held identical content without this migration's id: there before the migration, kept by the undo.</summary>
        FoundIdentical,
        /// <summary>An earlier run of this migration made it (its migration-id tag) and was killed before journaling it.</summary>
        MadeEarlier,
        /// <summary>-Force replaced a destination that held other content; the undo keeps it (the earlier content is gone).</summary>
        Overwrote,
    }
}
