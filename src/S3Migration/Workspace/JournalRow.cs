using System;
using System.Globalization;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// One row of migration_log.csv: one attempt at one object. A <see cref="RecordedCopy"/> (the plan and what the copy
    /// recorded), so the copy's result becomes a row, and a row becomes the copy the later phases expect, through the one
    /// carry-over of those fields (<see cref="RecordedCopy.TakeRecord"/>); the journal's own columns are added here.
    /// </summary>
    public sealed class JournalRow : RecordedCopy
    {
        /// <summary>The plan's columns in the plan's order, then this module's.</summary>
        public static readonly string[] Columns =
        {
            "row_id", "person_name", "old_s3_path", "new_s3_path", "file_type", "file_size", "md5_hash", "copy_timestamp",
            "verification_status", "error_message",
            "source_etag", "destination_etag", "content_type", "verified_by", "attempts", "retries", "duration_ms", "result",
            "headers_digest", "tag_count", "tags_digest",
            "reason", "error_code", "origin",
            "destination_last_modified",
        };

        /// <summary>
        /// The columns of journals written before headers_digest and tag_count: still read, and appended to in their own
        /// shape (their rows then carry no digest, and the integrity check compares Content-Type and content only).
        /// </summary>
        public const int FirstVersionColumns = 18;

        /// <summary>
        /// The columns of journals written before reason, error_code and origin: still read, and appended to in their own
        /// shape. Their rows say why a copy failed only in words (<see cref="Reason"/> is null), and how a destination came
        /// to be only through verification_status and result (<see cref="Origin"/>).
        /// </summary>
        public const int DigestVersionColumns = 21;

        /// <summary>
        /// The columns of journals written before destination_last_modified: still read, and appended to in their own
        /// shape. Their rows give the integrity check only the client's copy_timestamp to compare the listing's
        /// LastModified with, so a client clock ahead of S3's can hide a rewrite made soon after the copy.
        /// </summary>
        public const int OriginVersionColumns = 24;

        /// <summary>The shapes a journal may have: the first version's, the digest version's, the origin version's, the current one.</summary>
        public static readonly int[] Widths = { FirstVersionColumns, DigestVersionColumns, OriginVersionColumns, Columns.Length };

        public const string Verified = "verified";
        public const string Failed = "failed";
        public const string Conflict = "conflict";
        /// <summary>
        /// The note a -Force copy leaves in error_message of its verified row: the destination held other content
        /// before, which the copy replaced. For people: the journal's origin column says it to the code.
        /// </summary>
        public const string OverwroteNote = "overwrote a destination with different content (-Force)";
        /// <summary>
        /// The note of a copy found in place that carries this migration's migration-id tag: an earlier run made it and was
        /// killed before journaling it. Journaled as Verified (the migration created it), so Undo-Migration removes it.
        /// </summary>
        public const string MadeEarlierNote = "made by an earlier run of this migration (its migration-id tag) that ended before journaling it";
        /// <summary>The note of a destination that already held identical content, so nothing was copied.</summary>
        public const string FoundIdenticalNote = "the destination already holds identical content; not copied";

        /// <summary>s3://bucket/key of the source (old_s3_path): <see cref="PlannedCopy.SourceBucket"/> and <see cref="PlannedCopy.SourceKey"/>.</summary>
        public string OldPath { get => PathOf(SourceBucket, SourceKey); set => (SourceBucket, SourceKey) = ExpectedCopy.SplitPath(value); }
        /// <summary>s3://bucket/key of the destination (new_s3_path).</summary>
        public string NewPath { get => PathOf(TargetBucket, TargetKey); set => (TargetBucket, TargetKey) = ExpectedCopy.SplitPath(value); }
        public DateTime Timestamp { get; set; }
        /// <summary>verified, failed or conflict.</summary>
        public string VerificationStatus { get; set; } = "";
        public string Error { get; set; } = "";
        public string VerifiedBy { get; set; } = "";
        public int Attempts { get; set; }
        public int Retries { get; set; }
        public long DurationMs { get; set; }
        /// <summary>The MigrationResult status: Verified, Skipped, Failed or Conflict.</summary>
        public string Result { get; set; } = "";
        /// <summary>
        /// Why the attempt did not end verified, as the copy typed it (None when it did); null when the row does not say:
        /// a journal written before the reason column, or a row written without one.
        /// </summary>
        public FailureReason? Reason { get; set; }
        /// <summary>S3's error code when <see cref="Reason"/> is S3Error; "" otherwise.</summary>
        public string ErrorCode { get; set; } = "";

        private CopyOrigin _origin;
        /// <summary>
        /// How a verified destination came to be (None for failed and conflict rows). A row without the origin column (or
        /// with None) says it through its typed columns only: a verified row with result Skipped found identical content,
        /// any other verified row was made by the migration.
        /// </summary>
        public CopyOrigin Origin
        {
            get => VerificationStatus != Verified ? CopyOrigin.None
                : _origin != CopyOrigin.None ? _origin
                : Result == nameof(MigrationResultStatus.Skipped) ? CopyOrigin.FoundIdentical : CopyOrigin.Copied;
            set => _origin = value;
        }

        /// <summary>
        /// A verified row of a destination that already held identical content: Copy-PersonFiles compared it and
        /// wrote nothing (result Skipped; skips of what an earlier run verified are not journaled again).
        /// </summary>
        public bool FoundIdentical => Origin == CopyOrigin.FoundIdentical;

        /// <summary>A verified row whose copy replaced a destination with other content (-Force).</summary>
        public bool Overwrote => Origin == CopyOrigin.Overwrote;

        public string[] ToFields() => new[]
        {
            RowId, PersonName, OldPath, NewPath, FileType, Size.ToString(CultureInfo.InvariantCulture), Md5,
            Timestamp.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture), VerificationStatus, Error,
            SourceETag, DestinationETag, ContentType, VerifiedBy, Attempts.ToString(CultureInfo.InvariantCulture),
            Retries.ToString(CultureInfo.InvariantCulture), DurationMs.ToString(CultureInfo.InvariantCulture), Result,
            HeadersDigest, TagCount?.ToString(CultureInfo.InvariantCulture) ?? "", TagsDigest,
            Reason?.ToString() ?? "", ErrorCode, Origin.ToString(),
            DestinationLastModified?.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture) ?? "",
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
                Reason = f.Length > 21 && Enum.TryParse<FailureReason>(f[21], ignoreCase: false, out var reason) ? reason : (FailureReason?)null,
                ErrorCode = f.Length > 22 ? f[22] : "",
                Origin = f.Length > 23 && Enum.TryParse<CopyOrigin>(f[23], ignoreCase: false, out var origin) ? origin
                    : f.Length <= 23 ? LegacyOriginOf(f[9]) : CopyOrigin.None,
                DestinationLastModified = f.Length > 24 && DateTime.TryParse(f[24], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var lm)
                    ? lm.ToUniversalTime() : (DateTime?)null,
            };
        }

        /// <summary>
        /// A row of a journal written before the origin column: a -Force overwrite was said only by the module's own
        /// constant note, which its verified row carried in error_message. Read for those rows alone, so the undo keeps
        /// such a destination as it did when the journal was written (nothing newer is ever classified by words).
        /// </summary>
        private static CopyOrigin LegacyOriginOf(string error) =>
            LegacyOverwrote.IsMatch(error) ? CopyOrigin.Overwrote : CopyOrigin.None;
        private static readonly System.Text.RegularExpressions.Regex LegacyOverwrote =
            new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(OverwroteNote), System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>The plan's path form: s3://bucket/key.</summary>
        public static string S3Path(string bucket, string key) => $"s3://{bucket}/{key}";

        /// <summary>The path of a column, "" for a row that names none.</summary>
        private static string PathOf(string bucket, string key) => bucket.Length == 0 && key.Length == 0 ? "" : S3Path(bucket, key);

        /// <summary>The journal row of one copy result: the one mapping, for Copy-PersonFiles and Backup-MigrationSource.</summary>
        public static JournalRow From(MigrationResult r)
        {
            var row = new JournalRow
            {
                Timestamp = r.Timestamp,
                VerificationStatus = r.Status switch
                {
                    MigrationResultStatus.Verified or MigrationResultStatus.Skipped => Verified,
                    MigrationResultStatus.Conflict => Conflict,
                    _ => Failed,
                },
                // A verified copy's notes are not journaled, except that it replaced other content (-Force): people read why Undo keeps it.
                Error = r.Status != MigrationResultStatus.Verified || r.Origin == CopyOrigin.Overwrote ? r.Notes : "",
                VerifiedBy = r.VerifiedBy, Attempts = r.Attempts, Retries = r.Retries, DurationMs = (long)r.Duration.TotalMilliseconds,
                Result = r.Status.ToString(), Reason = r.Reason, ErrorCode = r.ErrorCode, Origin = r.Origin,
            };
            row.TakeRecord(r);
            return row;
        }

        /// <summary>This attempt as the copy the later phases expect (Migrated when the row is verified); Keep is the journal's to say.</summary>
        public ExpectedCopy ToExpectedCopy()
        {
            var e = new ExpectedCopy { Migrated = VerificationStatus == Verified, Notes = Error, Timestamp = Timestamp };
            e.TakeRecord(this);
            return e;
        }

        /// <summary>What this verified row says the destination must still match (the one rule's input after the copy).</summary>
        public CopyProof ToProof() => CopyProof.FromRecord(Size, SourceETag, Md5, DestinationETag, ContentType, HeadersDigest, TagCount, TagsDigest);
    }
}
