using System;
using System.Globalization;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>One row of migration_log.csv: one attempt at one object.</summary>
    public sealed class JournalRow
    {
        /// <summary>The plan's columns in the plan's order, then this module's.</summary>
        public static readonly string[] Columns =
        {
            "row_id", "person_name", "old_s3_path", "new_s3_path", "file_type", "file_size", "md5_hash", "copy_timestamp",
            "verification_status", "error_message",
            "source_etag", "destination_etag", "content_type", "verified_by", "attempts", "retries", "duration_ms", "result",
            "headers_digest", "tag_count", "tags_digest",
        };

        /// <summary>
        /// The columns of journals written before headers_digest and tag_count: still read, and appended to in their own
        /// shape (their rows then carry no digest, and the integrity check compares Content-Type and content only).
        /// </summary>
        public const int FirstVersionColumns = 18;

        public const string Verified = "verified";
        public const string Failed = "failed";
        public const string Conflict = "conflict";
        /// <summary>
        /// The note a -Force copy leaves in error_message of its verified row: the destination held other content
        /// before, which the copy replaced. Undo-Migration keeps such a destination (the earlier content is gone).
        /// </summary>
        public const string OverwroteNote = "overwrote a destination with different content (-Force)";
        /// <summary>
        /// The note of a copy found in place that carries this migration's migration-id tag: an earlier run made it and was
        /// killed before journaling it. Journaled as Verified (the migration created it), so Undo-Migration removes it.
        /// </summary>
        public const string MadeEarlierNote = "made by an earlier run of this migration (its migration-id tag) that ended before journaling it";
        /// <summary>The note of a destination that already held identical content, so nothing was copied.</summary>
        public const string FoundIdenticalNote = "the destination already holds identical content; not copied";

        public string RowId { get; set; } = "";
        public string PersonName { get; set; } = "";
        public string OldPath { get; set; } = "";
        public string NewPath { get; set; } = "";
        public string FileType { get; set; } = "";
        public long Size { get; set; }
        public string Md5 { get; set; } = "";
        public DateTime Timestamp { get; set; }
        /// <summary>verified, failed or conflict.</summary>
        public string VerificationStatus { get; set; } = "";
        public string Error { get; set; } = "";
        public string SourceETag { get; set; } = "";
        public string DestinationETag { get; set; } = "";
        public string ContentType { get; set; } = "";
        public string VerifiedBy { get; set; } = "";
        public int Attempts { get; set; }
        public int Retries { get; set; }
        public long DurationMs { get; set; }
        /// <summary>The MigrationResult status: Verified, Skipped, Failed or Conflict.</summary>
        public string Result { get; set; } = "";
        /// <summary>The source's preserved headers and user metadata as one digest (CopyProof.HeadersDigestOf); "" in old journals.</summary>
        public string HeadersDigest { get; set; } = "";
        /// <summary>How many tags the copy gave the destination; null when unknown.</summary>
        public int? TagCount { get; set; }
        /// <summary>A digest of the tags the copy set (CopyProof.TagsDigestOf); "" when the copy left the source's tags as they were.</summary>
        public string TagsDigest { get; set; } = "";

        public string[] ToFields() => new[]
        {
            RowId, PersonName, OldPath, NewPath, FileType, Size.ToString(CultureInfo.InvariantCulture), Md5,
            Timestamp.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture), VerificationStatus, Error,
            SourceETag, DestinationETag, ContentType, VerifiedBy, Attempts.ToString(CultureInfo.InvariantCulture),
            Retries.ToString(CultureInfo.InvariantCulture), DurationMs.ToString(CultureInfo.InvariantCulture), Result,
            HeadersDigest, TagCount?.ToString(CultureInfo.InvariantCulture) ?? "", TagsDigest,
        };

        public static JournalRow FromFields(string[] f)
        {
            long L(int i) => long.TryParse(f[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
            return new JournalRow
            {
                RowId = f[0], PersonName = f[1], OldPath = f[2], NewPath = f[3], FileType = f[4], Size = L(5), Md5 = f[6],
                Timestamp = DateTime.TryParse(f[7], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : default,
                VerificationStatus = f[8], Error = f[9], SourceETag = f[10], DestinationETag = f[11], ContentType = f[12],
                VerifiedBy = f[13], Attempts = (int)L(14), Retries = (int)L(15), DurationMs = L(16), Result = f[17],
                HeadersDigest = f.Length > 18 ? f[18] : "",
                TagCount = f.Length > 19 && int.TryParse(f[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var tc) ? tc : (int?)null,
                TagsDigest = f.Length > 20 ? f[20] : "",
            };
        }

        /// <summary>
        /// A verified row of a destination that already held identical content: Copy-PersonFiles compared it and
        /// wrote nothing (result Skipped; skips of what an earlier run verified are not journaled again).
        /// </summary>
        public bool FoundIdentical => VerificationStatus == Verified && Result == nameof(MigrationResultStatus.Skipped);

        /// <summary>A verified row whose copy replaced a destination with other content (-Force).</summary>
        public bool Overwrote => VerificationStatus == Verified && Error.IndexOf(OverwroteNote, StringComparison.Ordinal) >= 0;

        /// <summary>The plan's path form: s3://bucket/key.</summary>
        public static string S3Path(string bucket, string key) => $"s3://{bucket}/{key}";

        /// <summary>The journal row of one copy result: the one mapping, for Copy-PersonFiles and Backup-MigrationSource.</summary>
        public static JournalRow From(MigrationResult r) => new JournalRow
        {
            RowId = r.RowId, PersonName = r.PersonName, OldPath = JournalRow.S3Path(r.SourceBucket, r.SourceKey),
            NewPath = JournalRow.S3Path(r.TargetBucket, r.TargetKey), FileType = r.FileType, Size = r.Size, Md5 = r.Md5,
            Timestamp = r.Timestamp,
            VerificationStatus = r.Status switch
            {
                MigrationResultStatus.Verified or MigrationResultStatus.Skipped => JournalRow.Verified,
                MigrationResultStatus.Conflict => JournalRow.Conflict,
                _ => JournalRow.Failed,
            },
            // A verified copy's notes are not journaled, except that it replaced other content (-Force): Undo keeps that one.
            Error = r.Status != MigrationResultStatus.Verified || r.Notes.Contains(JournalRow.OverwroteNote) ? r.Notes : "",
            SourceETag = r.SourceETag, DestinationETag = r.DestinationETag, ContentType = r.ContentType, VerifiedBy = r.VerifiedBy,
            Attempts = r.Attempts, Retries = r.Retries, DurationMs = (long)r.Duration.TotalMilliseconds, Result = r.Status.ToString(),
            HeadersDigest = r.HeadersDigest, TagCount = r.TagCount, TagsDigest = r.TagsDigest,
        };

        /// <summary>What this verified row says the destination must still match (the one rule's input after the copy).</summary>
        public CopyProof ToProof() => CopyProof.FromRecord(Size, SourceETag, Md5, DestinationETag, ContentType, HeadersDigest, TagCount, TagsDigest);
    }
}
