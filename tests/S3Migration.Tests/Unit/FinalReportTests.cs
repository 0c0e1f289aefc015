using S3Migration.Journal;
using S3Migration.Reports;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit;

/// <summary>The final report and its lessons learned, from hand-made workspace files in the documented formats.</summary>
public class FinalReportTests
{
    private static readonly DateTime T0 = new(2025, 3, 1, 10, 0, 0, DateTimeKind.Utc);

    private static JournalRow Row(string key, string status, string error = "", int attempts = 1, int retries = 0, int minute = 0, long size = 10, string type = "audio") => new()
    {
        RowId = "1", PersonName = "Ann", OldPath = $"s3://src/{key}", NewPath = $"s3://src/{type}/1_Ann_{key.Split('/').Last()}", FileType = type, Size = size,
        Timestamp = T0.AddMinutes(minute), VerificationStatus = status, Error = error, Attempts = attempts, Retries = retries,
        VerifiedBy = status == JournalRow.Verified ? "etag" : "", Result = status == JournalRow.Verified ? "Verified" : status == JournalRow.Conflict ? "Conflict" : "Failed",
    };

    private static void Journal(string ws, params JournalRow[] rows)
    {
        using var j = MigrationJournal.Open(ws);
        foreach (var r in rows) j.Append(r);
    }

    public const string BackupSummary = """
        { "source": "s3://src/", "backup": "s3://src-backup/pre-migration/", "storage_class": "GLACIER", "lifecycle_rule_id": "migration-backup",
          "transition_after_days": 30, "source_objects": 3, "source_bytes": 30, "backed_up_objects": 3, "backed_up_bytes": 30,
          "verified": 3, "failed": 0, "complete": true, "started": "2025-03-02T09:00:00Z", "finished": "2025-03-02T09:05:00Z" }
        """;

    public static string DeletionSummary(int kept, int failed) => $$"""
        { "objects_deleted": 2, "delete_markers": 0, "objects_kept": {{kept}}, "objects_failed": {{failed}}, "bytes_reclaimed": 20,
          "bytes_by_type": { "audio": 12, "documents": 8 }, "listing_verified": true, "versioned": false,
          "started": "2025-04-01T09:00:00Z", "finished": "2025-04-01T09:01:00Z" }
        """;

    public const string DeletionLogHeader = "source_path,version_id,file_type,size,source_etag,new_s3_path,backup_path,status,reason,deleted_at\n";

    [Theory]
    [InlineData("the source is archived in DEEP_ARCHIVE: restore it first (RestoreObject), then run the copy again", LessonsLearned.ArchivedSource)]
    [InlineData("the source is archived (InvalidObjectState): restore it first (RestoreObject), then run the copy again", LessonsLearned.ArchivedSource)]
    [InlineData("the source changed since the inventory (now 5 bytes, ETag abc); run Get-MigrationInventory again", LessonsLearned.SourceChanged)]
    [InlineData("the source changed during the copy (its ETag no longer matches); run Get-MigrationInventory again", LessonsLearned.SourceChanged)]
    [InlineData("the source no longer exists", LessonsLearned.SourceMissing)]
    [InlineData("gave up after 5 retries: The operation has timed out.", LessonsLearned.GaveUp)]
    [InlineData("S3 answered 403 AccessDenied: Access Denied", "S3 error AccessDenied")]
    [InlineData("the copy did not verify twice", LessonsLearned.VerificationMismatch)]
    [InlineData("something nobody foresaw", LessonsLearned.Other)]
    public void Error_messages_fall_into_a_few_categories(string error, string category) =>
        Assert.Equal(category, LessonsLearned.Categorize(Row("k", JournalRow.Failed, error)));

    [Fact]
    public void Lessons_group_failures_count_retries_and_span_the_runs()
    {
        var rows = new List<JournalRow>
        {
            Row("1_Ann/a.mp3", JournalRow.Failed, "gave up after 3 retries: timeout", attempts: 1, retries: 3, minute: 0),
            Row("1_Ann/a.mp3", JournalRow.Verified, attempts: 2, retries: 1, minute: 90),   // resolved by a later run
            Row("1_Ann/b.mp3", JournalRow.Failed, "the source is archived in GLACIER: restore it first", minute: 1),
            Row("1_Ann/c.mp3", JournalRow.Failed, "the source is archived in DEEP_ARCHIVE: restore it first", minute: 2),
            Row("1_Ann/d.mp3", JournalRow.Conflict, "2 sources for one key", minute: 3),
            Row("1_Ann/e.mp3", JournalRow.Verified, minute: 4),
        };
        var l = LessonsLearned.FromJournal(rows);
        var archived = l.Failures[0];
        Assert.Equal((LessonsLearned.ArchivedSource, 2, 2, 2), (archived.Category, archived.Objects, archived.Attempts, archived.Unresolved));
        Assert.Equal(new[] { "s3://src/1_Ann/b.mp3", "s3://src/1_Ann/c.mp3" }, archived.Examples);
        var gaveUp = l.Failures.Single(f => f.Category == LessonsLearned.GaveUp);
        Assert.Equal(0, gaveUp.Unresolved);
        Assert.Equal(1, l.Conflicts);
        var retried = Assert.Single(l.Retried);
        Assert.Equal(("s3://src/1_Ann/a.mp3", 3, 4), (retried.Source, retried.Attempts, retried.Retries));
        Assert.Equal(4, l.TotalRetries);
        Assert.Equal((T0, T0.AddMinutes(90), 1), (l.FirstRow, l.LastRow, l.Days));
    }

    [Fact]
    public void A_clean_workspace_with_backup_and_deletion_is_closed()
    {
        using var dir = new TempDir();
        Journal(dir.Path, Row("1_Ann/a.mp3", JournalRow.Verified, size: 12), Row("1_Ann/b.pdf", JournalRow.Verified, size: 8, type: "documents"));
        File.WriteAllText(dir.File(FinalReport.BackupSummaryName), BackupSummary);
        File.WriteAllText(dir.File(FinalReport.DeletionSummaryName), DeletionSummary(0, 0));
        File.WriteAllText(dir.File(FinalReport.DeletionLogName), DeletionLogHeader
            + "s3://src/1_Ann/a.mp3,,audio,12,e1,s3://src/audio/1_Ann_a.mp3,s3://src-backup/pre-migration/1_Ann/a.mp3,deleted,,2025-04-01T09:00:10Z\n"
            + "s3://src/1_Ann/b.pdf,,documents,8,e2,s3://src/documents/1_Ann_b.pdf,s3://src-backup/pre-migration/1_Ann/b.pdf,deleted,,2025-04-01T09:00:11Z\n");
        var r = FinalReport.Create(dir.Path, dir.File("final_report.md"), "Final");
        Assert.Equal(FinalReport.Closed, r.Status);
        Assert.Empty(r.Reasons);
        Assert.Equal((2, 20L, 2L, 20L), (r.FilesMigrated, r.BytesMigrated, r.ObjectsDeleted, r.BytesReclaimed));
        var md = File.ReadAllText(r.Path);
        Assert.Contains("## Files migrated", md);                       // the certificate's sections
        Assert.Contains("| Backup location | s3://src-backup/pre-migration/ |", md);
        Assert.Contains("| documents | 8 |", md);                       // bytes_by_type
        Assert.Contains("deletion_log.csv: 2 deleted.", md);
        Assert.Contains("The migration is closed", md);
        Assert.Contains("No copy failed.", md);
        Assert.False(File.Exists(dir.File(MigrationCertificate.MarkdownName)));   // the report does not write the certificate
        Assert.Single(md.Split('\n'), l => l == "## Sign-off");
    }

    [Fact]
    public void Kept_and_failed_deletions_are_listed_with_reasons_and_capped()
    {
        using var dir = new TempDir();
        Journal(dir.Path, Row("1_Ann/a.mp3", JournalRow.Verified));
        File.WriteAllText(dir.File(FinalReport.BackupSummaryName), BackupSummary);
        File.WriteAllText(dir.File(FinalReport.DeletionSummaryName), DeletionSummary(25, 1));
        var log = DeletionLogHeader + string.Concat(Enumerable.Range(0, 25).Select(i => $"s3://src/9_Kept/f{i:00}.mp3,,audio,1,e,,,kept,\"no verified backup, kept\",\n"))
                  + "s3://src/1_Ann/x.mp3,v1,audio,1,e,,,failed,S3 answered 403 AccessDenied,\n";
        File.WriteAllText(dir.File(FinalReport.DeletionLogName), log);
        var r = FinalReport.Create(dir.Path, dir.File("final_report.md"), "Final");
        Assert.Equal(FinalReport.NotClosed, r.Status);
        Assert.Contains(r.Reasons, x => x.Contains("25 objects of the old structure were kept"));
        Assert.Contains(r.Reasons, x => x.Contains("1 deletion failed"));
        var md = File.ReadAllText(r.Path);
        Assert.Contains("### Objects kept", md);
        Assert.Contains("| s3://src/9_Kept/f19.mp3 |  | 1 | no verified backup, kept |", md);
        Assert.DoesNotContain("f20.mp3", md);
        Assert.Contains("… and 5 more (see deletion_log.csv).", md);
        Assert.Contains("| s3://src/1_Ann/x.mp3 | v1 | 1 | S3 answered 403 AccessDenied |", md);
    }

    [Fact]
    public void Missing_backup_and_deletion_say_not_run_and_the_migration_is_not_closed()
    {
        using var dir = new TempDir();
        Journal(dir.Path, Row("1_Ann/a.mp3", JournalRow.Verified));
        var r = FinalReport.Create(dir.Path, dir.File("final_report.md"), "Final");
        Assert.Equal((FinalReport.NotClosed, false, false), (r.Status, r.BackupRun, r.DeletionRun));
        var md = File.ReadAllText(r.Path);
        Assert.Contains("Not run: there is no backup_summary.json", md);
        Assert.Contains("Not run: there is no deletion_summary.json", md);
        Assert.Contains("The migration is NOT closed: the old structure was not backed up", md);
        foreach (var h in new[] { "## Lessons learned", "## What went well", "## What went wrong", "## What we would do differently", "## Follow-ups", "## Sign-off" })
            Assert.Contains(h + "\n", md);
    }

    [Fact]
    public void A_malformed_deletion_log_is_an_error_that_names_the_columns()
    {
        using var dir = new TempDir();
        Journal(dir.Path, Row("1_Ann/a.mp3", JournalRow.Verified));
        File.WriteAllText(dir.File(FinalReport.DeletionSummaryName), DeletionSummary(0, 0));
        File.WriteAllText(dir.File(FinalReport.DeletionLogName), "key,status\nx,deleted\n");
        var ex = Assert.Throws<S3Migration.Storage.MigrationException>(() => FinalReport.Create(dir.Path, dir.File("r.md"), "Final"));
        Assert.Equal("DeletionLogMalformed", ex.ErrorId);
        Assert.False(File.Exists(dir.File("r.md")));
    }
}
