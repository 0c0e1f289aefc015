namespace S3Migration.Model
{
    /// <summary>
    /// One file type's line of IntegritySummary.ByType: files the migration should have placed and files verified in
    /// place. A named object, not a tuple, so that scripts and ConvertTo-Json see Expected and Verified (not Item1, Item2).
    /// </summary>
    public sealed class TypeVerification
    {
        public int Expected { get; set; }
        public int Verified { get; set; }
        public override string ToString() => $"{Verified} of {Expected} verified";
    }

    /// <summary>One file type's line of the certificate's ByType: files migrated and their bytes.</summary>
    public sealed class TypeTotal
    {
        public int Files { get; set; }
        public long Bytes { get; set; }
        public override string ToString() => $"{Plural.Of(Files, "file")}, {Plural.Of(Bytes, "byte")}";
    }
}
