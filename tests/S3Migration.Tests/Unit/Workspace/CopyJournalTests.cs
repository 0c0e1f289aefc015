using System.Text;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit.Workspace;

/// <summary>
/// The copy journal's meanings (CopyJournal), its typed columns (reason, error_code, origin) and the journals written
/// before them, which are still read and appended to in their own shape.
/// </summary>
public class CopyJournalTests
{
    private static readonly DateTime T0 = new(2025, 3, 1, 10, 0, 0, DateTimeKind.Utc);

    private static MigrationResult Result(string key, MigrationResultStatus status, FailureReason reason = FailureReason.None, string code = "",
        CopyOrigin origin = CopyOrigin.None, string notes = "", int minute = 0, string target = "")
    {
        var r = new MigrationResult
        {
            RowId = "1", PersonName = "Ann", FileType = "audio", SourceBucket = "src", SourceKey = key, TargetBucket = "dst",
            TargetKey = target.Length > 0 ? target : "audio/1_Ann_" + key.Split('/').Last(), Size = 5, Md5 = "abc", SourceETag = "abc",
            DestinationETag = status is MigrationResultStatus.Verified or MigrationResultStatus.Skipped ? "abc" : "",
            Status = status, Reason = reason, ErrorCode = code, Origin = origin, Notes = notes, Timestamp = T0.AddMinutes(minute),
        };
        return r;
    }

    private static List<JournalRow> RoundTrip(params MigrationResult[] results)
    {
        using var dir = new TempDir();
        using (var j = MigrationJournal.Open(dir.Path))
            foreach (var r in results) j.Append(JournalRow.From(r));
        return JournalReader.ReadFile(dir.File(MigrationJournal.FileName));
    }

    [Fact]
    public void Reason_error_code_and_origin_are_journaled_in_their_own_columns_after_tags_digest()
    {
        Assert.Equal(new[] { "tags_digest", "reason", "error_code", "origin" }, JournalRow.Columns.Skip(20).Take(4));
        var rows = RoundTrip(
            Result("1_Ann/a.mp3", MigrationResultStatus.Failed, FailureReason.S3Error, "AccessDenied", notes: "S3 answered 403 AccessDenied"),
            Result("1_Ann/b.mp3", MigrationResultStatus.Failed, FailureReason.SourceArchived, notes: "the source is archived in GLACIER"),
            Result("1_Ann/c.mp3", MigrationResultStatus.Verified, origin: CopyOrigin.Overwrote, notes: JournalRow.OverwroteNote + ": MD5 differs"),
            Result("1_Ann/d.mp3", MigrationResultStatus.Verified, origin: CopyOrigin.MadeEarlier, notes: JournalRow.MadeEarlierNote));
        Assert.Equal((FailureReason?)FailureReason.S3Error, rows[0].Reason);
        Assert.Equal("AccessDenied", rows[0].ErrorCode);
        Assert.Equal((FailureReason?)FailureReason.SourceArchived, rows[1].Reason);
        Assert.Equal(CopyOrigin.None, rows[0].Origin);   // a failed attempt made no destination
        Assert.Equal(CopyOrigin.Overwrote, rows[2].Origin);
        Assert.True(rows[2].Overwrote);
        Assert.StartsWith(JournalRow.OverwroteNote, rows[2].Error);   // kept for people: Undo keeps that destination
        Assert.Equal(CopyOrigin.MadeEarlier, rows[3].Origin);
        Assert.Equal("", rows[3].Error);                             // other verified copies' notes are not journaled
        Assert.False(rows[3].FoundIdentical || rows[3].Overwrote);
    }

    [Fact]
    public void A_21_column_journal_is_read_and_appended_to_in_its_own_shape_and_says_its_origins_by_its_typed_columns()
    {
        using var dir = new TempDir();
        var path = dir.File(MigrationJournal.FileName);
        static string Line(IEnumerable<string> fields) => string.Join(",", fields.Select(f => f.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + f.Replace("\"", "\"\"") + "\"" : f));
        var old = new[]
        {
            JournalRow.From(Result("1_Ann/a.mp3", MigrationResultStatus.Skipped)),   // found identical: result Skipped
            JournalRow.From(Result("1_Ann/b.mp3", MigrationResultStatus.Verified)),
            JournalRow.From(Result("1_Ann/c.mp3", MigrationResultStatus.Failed, notes: "the source is archived in GLACIER: restore it first")),
            // A -Force overwrite, as a 21-column journal said it: only by the module's note in error_message.
            JournalRow.From(Result("1_Ann/e.mp3", MigrationResultStatus.Verified, origin: CopyOrigin.Overwrote, notes: JournalRow.OverwroteNote + ": MD5 differs")),
        };
        File.WriteAllText(path, string.Join("\n", new[] { Line(JournalRow.Columns.Take(JournalRow.DigestVersionColumns)) }
            .Concat(old.Select(r => Line(r.ToFields().Take(JournalRow.DigestVersionColumns))))) + "\n", new UTF8Encoding(false));

        using (var j = MigrationJournal.Open(dir.Path))
        {
            Assert.Equal(4, j.EarlierRows);
            Assert.Equal(new[] { "s3://src/1_Ann/a.mp3", "s3://src/1_Ann/b.mp3", "s3://src/1_Ann/e.mp3" }, j.Verified.Keys.OrderBy(k => k, StringComparer.Ordinal));
            j.Append(JournalRow.From(Result("1_Ann/d.mp3", MigrationResultStatus.Failed, FailureReason.GaveUp, notes: "gave up after 5 retries")));
        }
        var lines = File.ReadAllLines(path);
        Assert.Equal(string.Join(",", JournalRow.Columns.Take(21)), lines[0]);
        using var stream = File.OpenRead(path);
        var rows = new List<JournalRow>();
        JournalReader.Read(stream, rows.Add, out var width);
        Assert.Equal(21, width);
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Null(r.Reason));                  // the old shape has no reason column
        Assert.Equal(CopyOrigin.FoundIdentical, rows[0].Origin);      // verified, result Skipped
        Assert.Equal(CopyOrigin.Copied, rows[1].Origin);              // any other verified row
        Assert.Equal(CopyOrigin.None, rows[2].Origin);
        Assert.Equal(LessonsLearned.ArchivedSource, LessonsLearned.Categorize(rows[2]));  // the legacy words, for old rows only
        Assert.True(rows[3].Overwrote);   // the old journal's -Force overwrite is still kept by the undo
        Assert.Equal(CopyOrigin.None, rows[4].Origin);
    }

    [Fact]
    public void S3s_time_of_the_copy_is_journaled_last_and_a_24_column_journal_keeps_its_shape_without_it()
    {
        Assert.Equal("destination_last_modified", JournalRow.Columns.Last());
        var copied = Result("1_Ann/a.mp3", MigrationResultStatus.Verified);
        copied.DestinationLastModified = new DateTime(2025, 3, 1, 9, 59, 58, DateTimeKind.Utc);
        var row = Assert.Single(RoundTrip(copied));
        Assert.Equal(copied.DestinationLastModified, row.DestinationLastModified);
        Assert.Equal(DateTimeKind.Utc, row.DestinationLastModified!.Value.Kind);
        Assert.Equal(copied.DestinationLastModified, row.ToExpectedCopy().DestinationLastModified);   // what the integrity check compares

        using var dir = new TempDir();
        var path = dir.File(MigrationJournal.FileName);
        static string Line(IEnumerable<string> fields) => string.Join(",", fields.Select(f => f.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + f.Replace("\"", "\"\"") + "\"" : f));
        File.WriteAllText(path, Line(JournalRow.Columns.Take(JournalRow.OriginVersionColumns)) + "\n"
            + Line(JournalRow.From(Result("1_Ann/b.mp3", MigrationResultStatus.Verified)).ToFields().Take(JournalRow.OriginVersionColumns)) + "\n", new UTF8Encoding(false));
        using (var j = MigrationJournal.Open(dir.Path)) j.Append(JournalRow.From(copied));
        Assert.Equal(string.Join(",", JournalRow.Columns.Take(24)), File.ReadAllLines(path)[0]);
        using var stream = File.OpenRead(path);
        var rows = new List<JournalRow>();
        JournalReader.Read(stream, rows.Add, out var width);
        Assert.Equal(24, width);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Null(r.DestinationLastModified));   // the old shape has no such column: the check falls back to copy_timestamp
        Assert.Equal(CopyOrigin.Copied, rows[1].Origin);
    }

    [Fact]
    public void Failures_are_grouped_by_their_typed_reason_never_by_their_words()
    {
        var rows = RoundTrip(
            Result("1_Ann/a.mp3", MigrationResultStatus.Failed, FailureReason.S3Error, "AccessDenied", notes: "something else entirely"),
            Result("1_Ann/b.mp3", MigrationResultStatus.Failed, FailureReason.SourceMissing, notes: "the source is archived, say the words"),
            Result("1_Ann/c.mp3", MigrationResultStatus.Failed, FailureReason.Other, notes: "gave up after 5 retries"),
            Result("1_Ann/d.mp3", MigrationResultStatus.Conflict, FailureReason.Conflict, notes: "2 sources for one key"),
            Result("1_Ann/e.mp3", MigrationResultStatus.Failed, FailureReason.VerificationMismatch, notes: "size 4, source 5"));
        Assert.Equal(new[] { "S3 error AccessDenied", LessonsLearned.SourceMissing, LessonsLearned.Other, LessonsLearned.Conflict, LessonsLearned.VerificationMismatch },
            rows.Select(LessonsLearned.Categorize));
    }

    [Fact]
    public void The_last_word_per_source_is_its_last_verified_row_else_its_last_row_and_says_what_a_rollback_keeps()
    {
        var rows = RoundTrip(
            Result("1_Ann/a.mp3", MigrationResultStatus.Failed, FailureReason.GaveUp, minute: 0),
            Result("1_Ann/a.mp3", MigrationResultStatus.Verified, origin: CopyOrigin.Copied, minute: 1),
            Result("1_Ann/a.mp3", MigrationResultStatus.Failed, FailureReason.SourceChanged, minute: 2),        // a verification is the last word here
            Result("1_Ann/b.mp3", MigrationResultStatus.Failed, FailureReason.SourceArchived, minute: 3),
            Result("1_Ann/c.mp3", MigrationResultStatus.Skipped, origin: CopyOrigin.FoundIdentical, minute: 4),
            Result("1_Ann/d.mp3", MigrationResultStatus.Verified, origin: CopyOrigin.Overwrote, minute: 5),
            Result("1_Ann/e.mp3", MigrationResultStatus.Verified, origin: CopyOrigin.Copied, minute: 6, target: "audio/1_Ann_shared.mp3"),
            Result("1_Ann/f.mp3", MigrationResultStatus.Verified, origin: CopyOrigin.Overwrote, minute: 7, target: "audio/1_Ann_shared.mp3"));
        var copies = CopyJournal.LastWordPerSource(rows).ToDictionary(e => e.SourceKey);
        Assert.Equal(new[] { "1_Ann/a.mp3", "1_Ann/b.mp3", "1_Ann/c.mp3", "1_Ann/d.mp3", "1_Ann/e.mp3", "1_Ann/f.mp3" }, copies.Keys);
        Assert.True(copies["1_Ann/a.mp3"].Migrated);
        Assert.Equal(T0.AddMinutes(1), copies["1_Ann/a.mp3"].Timestamp);
        Assert.False(copies["1_Ann/b.mp3"].Migrated);
        Assert.Equal(("src", "1_Ann/b.mp3", "dst", "audio/1_Ann_b.mp3", 5L, "abc"), (copies["1_Ann/b.mp3"].SourceBucket, copies["1_Ann/b.mp3"].SourceKey,
            copies["1_Ann/b.mp3"].TargetBucket, copies["1_Ann/b.mp3"].TargetKey, copies["1_Ann/b.mp3"].Size, copies["1_Ann/b.mp3"].Md5));
        Assert.Equal("", copies["1_Ann/a.mp3"].Keep);
        Assert.Equal(ExpectedCopy.KeepFoundIdentical, copies["1_Ann/c.mp3"].Keep);
        Assert.Equal(ExpectedCopy.KeepOverwritten, copies["1_Ann/d.mp3"].Keep);
        // -Force replaced content the migration itself had created there: the migration's to delete.
        Assert.Equal("", copies["1_Ann/f.mp3"].Keep);

        // What a re-run skips: a later failed attempt withdraws the verification.
        var resume = new Dictionary<string, JournalRow>();
        foreach (var r in rows) CopyJournal.TakeForResume(resume, r.OldPath, r, x => x);
        Assert.DoesNotContain("s3://src/1_Ann/a.mp3", resume.Keys);
        Assert.Contains("s3://src/1_Ann/c.mp3", resume.Keys);
        Assert.Equal(T0.AddMinutes(1), CopyJournal.LastVerifiedPerSource(rows)["s3://src/1_Ann/a.mp3"].Timestamp);
    }

    [Fact]
    public void The_workspace_meanings_read_the_file_and_say_when_there_is_none()
    {
        using var dir = new TempDir();
        Assert.Null(CopyJournal.VerifiedBySource(dir.Path));
        Assert.Empty(CopyJournal.JournaledSources(dir.Path));
        Assert.Equal("JournalNotFound", Assert.Throws<MigrationException>(() => CopyJournal.Attempts(dir.Path)).ErrorId);
        using (var j = MigrationJournal.Open(dir.Path))
        {
            j.Append(JournalRow.From(Result("1_Ann/a.mp3", MigrationResultStatus.Verified, origin: CopyOrigin.Copied)));
            j.Append(JournalRow.From(Result("1_Ann/b.mp3", MigrationResultStatus.Failed, FailureReason.SourceArchived)));
        }
        Assert.Equal(2, CopyJournal.Attempts(dir.Path).Count);
        Assert.Equal(new[] { new S3Location("src", "1_Ann/a.mp3"), new S3Location("src", "1_Ann/b.mp3") }, CopyJournal.JournaledSources(dir.Path).OrderBy(l => l.Key));
        using (var verified = CopyJournal.VerifiedBySource(dir.Path)!)
        {
            Assert.Equal(new[] { "s3://src/1_Ann/a.mp3" }, verified.Keys);
            Assert.Equal(5, verified["s3://src/1_Ann/a.mp3"].Size);   // the row itself, read back from the file
        }
        Assert.Equal(2, CopyJournal.LastWordPerSource(dir.Path).Count);
    }
}
