namespace S3Migration.Model
{
    /// <summary>
    /// One entry of a version listing (ListObjectVersions): a version of a key, or a delete marker. What the listing
    /// after a deletion shows, for the rule that decides what it proves (Rules/DeletionEvidence). VersionId is as S3 sent it
    /// ("null" for the null version; null only if a server left it out).
    /// </summary>
    public sealed record ListedVersion(string Key, string? VersionId, bool IsLatest, bool IsDeleteMarker);
}
