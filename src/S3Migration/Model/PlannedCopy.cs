namespace S3Migration.Model
{
    /// <summary>
    /// One object's move as the plan names it: whose file, what type, from where, to where. Every status object of the
    /// migration (the inventory's item, the copy's result, the integrity check's result, the journal's expected copy) is
    /// one of these with its own findings added, so the addresses are declared and carried over in this one place and
    /// an object keeps the same property names from the listing to the deletion (pipeline binding is by name).
    /// </summary>
    public abstract class PlannedCopy
    {
        public string RowId { get; set; } = "";
        public string PersonName { get; set; } = "";
        public string FileType { get; set; } = "";
        public string SourceBucket { get; set; } = "";
        public string SourceKey { get; set; } = "";
        public string TargetBucket { get; set; } = "";
        public string TargetKey { get; set; } = "";

        /// <summary>The source's address as a value (hidden from the default views: SourceBucket/SourceKey say it).</summary>
        public S3Location Source() => new S3Location(SourceBucket, SourceKey);
        public S3Location Target() => new S3Location(TargetBucket, TargetKey);

        /// <summary>Carries the plan over from another status object: the one field-by-field copy of the addresses.</summary>
        public void TakePlan(PlannedCopy from)
        {
            RowId = from.RowId; PersonName = from.PersonName; FileType = from.FileType;
            SourceBucket = from.SourceBucket; SourceKey = from.SourceKey; TargetBucket = from.TargetBucket; TargetKey = from.TargetKey;
        }
    }

    /// <summary>
    /// A planned copy plus what the copy recorded of its source: the facts the one "verified" rule compares a
    /// destination with later (<see cref="CopyProof"/>). Written by the copy, journaled, read back by every later phase.
    /// </summary>
    public abstract class RecordedCopy : PlannedCopy
    {
        public long Size { get; set; }
        public string Md5 { get; set; } = "";
        public string SourceETag { get; set; } = "";
        public string DestinationETag { get; set; } = "";
        public string ContentType { get; set; } = "";
        /// <summary>The source's preserved headers and user metadata as one digest, journaled so later checks can compare them ("" in old journals).</summary>
        public string HeadersDigest { get; set; } = "";
        /// <summary>How many tags the copy gave the destination (the source's plus the migration's); null when unknown.</summary>
        public int? TagCount { get; set; }
        /// <summary>A digest of the tags the copy set (CopyProof.TagsDigestOf); "" when it left the source's tags as they were, or unknown.</summary>
        public string TagsDigest { get; set; } = "";
        /// <summary>
        /// S3's own time of the destination the copy verified (from the copy's answer or its HEAD), in UTC; null when not
        /// known (journals written before the column, multipart copies proven without a HEAD). The integrity check compares
        /// the listing's LastModified with it: server time against server time, so no client clock can hide a later write.
        /// </summary>
        public System.DateTime? DestinationLastModified { get; set; }

        /// <summary>Carries the plan and the record over: the one field-by-field copy of a recorded copy.</summary>
        public void TakeRecord(RecordedCopy from)
        {
            TakePlan(from);
            Size = from.Size; Md5 = from.Md5; SourceETag = from.SourceETag; DestinationETag = from.DestinationETag;
            ContentType = from.ContentType; HeadersDigest = from.HeadersDigest; TagCount = from.TagCount; TagsDigest = from.TagsDigest;
            DestinationLastModified = from.DestinationLastModified;
        }
    }
}
