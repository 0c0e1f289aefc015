using System;

namespace S3Migration.Model
{
    /// <summary>
    /// One copy the migration made (or meant to make), as the journal's last word on its source says it (the workspace's
    /// CopyJournal.LastWordPerSource) or as Copy-PersonFiles' results say it: what the integrity check, the cleanup, the
    /// rollback and the CSV update expect to find.
    /// </summary>
    public sealed class ExpectedCopy : RecordedCopy
    {
        /// <summary>What the destination must still match: the one rule's input, from what the copy recorded.</summary>
        public CopyProof Proof => CopyProof.FromRecord(Size, SourceETag, Md5, DestinationETag, ContentType, HeadersDigest, TagCount, TagsDigest);
        /// <summary>True when the copy verified it (Verified or Skipped); false for Failed and Conflict.</summary>
        public bool Migrated { get; set; }
        public string Notes { get; set; } = "";
        /// <summary>When the copy was made (or attempted).</summary>
        public DateTime Timestamp { get; set; }
        /// <summary>
        /// Why a rollback must keep the destination even while it is unchanged: the migration did not create it (it
        /// already held identical content) or replaced other content there (-Force). Empty when the migration created it.
        /// </summary>
        public string Keep { get; set; } = "";

        public const string KeepFoundIdentical = "it held identical content before the migration (Copy-PersonFiles found it and copied nothing), so it is not the migration's to delete";
        public const string KeepOverwritten = "was overwritten by -Force; the earlier content cannot be restored, so the copy is kept";

        /// <summary>Why a rollback keeps a destination of this origin, whatever made it later: "" for what the migration created.</summary>
        public static string KeepFor(CopyOrigin origin) => origin switch
        {
            CopyOrigin.FoundIdentical => KeepFoundIdentical,
            CopyOrigin.Overwrote => KeepOverwritten,
            _ => "",
        };

        /// <summary>s3://bucket/key into bucket and key (lenient: a path without the scheme, or without a key, still splits).</summary>
        public static (string Bucket, string Key) SplitPath(string path)
        {
            var rest = path.StartsWith("s3://", StringComparison.Ordinal) ? path.Substring(5) : path;
            var slash = rest.IndexOf('/');
            return slash < 0 ? (rest, "") : (rest.Substring(0, slash), rest.Substring(slash + 1));
        }
    }
}
