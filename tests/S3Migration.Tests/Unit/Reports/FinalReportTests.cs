using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit.Reports;

/// <summary>The final report and its lessons learned, from hand-made workspace files in the documented formats.</summary>
public class FinalReportTests
{
    private static readonly DateTime T0 = new(2025, 3, 1, 10, 0, 0, DateTimeKind.Utc);

    internal static JournalRow Row(string key, string status, string error = "", int attempts = 1, int retries = 0, int minute = 0, long size = 10, string type = "audio") => new()
    {
        RowId = "1", PersonName = "Ann", OldPath = $"s3://src/{key}", NewPath = $"s3://src/{type}/1_Ann_{key.Split('/').Last()}", FileType = type, Size = size,
        Timestamp = T0.AddMinutes(minute), VerificationStatus = status, Error = error, Attempts = attempts, Retries = retries,
        VerifiedBy = status == JournalRow.Verified ? "etag" : "", Result = status == JournalRow.Verified ? "Verified" : status == JournalRow.Conflict ? "Conflict" : "Failed",
    };

    internal static void Journal(string ws, params JournalRow[] rows)
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

    /// <summary>inventory_report.json and inventory_checksums.csv as Get-MigrationInventory writes them, for bucket "src", no orphans among them.</summary>
    public static void Inventory(string ws, params (string Key, string Status, string Target, string Notes)[] objects) =>
        Inventory(ws, objects.Select(o => (o.Key, o.Status, o.Target, o.Notes, OrphanReason.None)).ToArray());

    /// <summary>inventory_report.json and inventory_checksums.csv as Get-MigrationInventory writes them, for bucket "src", with each orphan's reason.</summary>
    public static void Inventory(string ws, params (string Key, string Status, string Target, string Notes, OrphanReason Reason)[] objects)
    {
        File.WriteAllText(Path.Combine(ws, "inventory_report.json"), """{ "source_bucket": "src", "destination_bucket": "src" }""");
        File.WriteAllText(Path.Combine(ws, "inventory_checksums.csv"), "key,size,etag,md5,md5_source,storage_class,last_modified,status,file_type,target_key,notes,row_id,person_name,orphan_reason\n"
            + string.Concat(objects.Select(o => $"{o.Key},1,e,,,STANDARD,,{o.Status},audio,{o.Target},\"{o.Notes}\",1,Ann,{(o.Reason == OrphanReason.None ? "" : o.Reason.ToString())}\n")));
    }

    /// <summary>An integrity report (verification_report.csv's columns) with one row per (status, old path, new path, reason).</summary>
    public static void Integrity(string file, params (string Status, string Old, string New, string Reason)[] rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "status,old_s3_path,new_s3_path,file_type,row_id,person_name,source_md5,source_etag,destination_etag,source_size,destination_size,expected_content_type,content_type,content_type_match,checked_by,reason\n"
            + string.Concat(rows.Select(r => $"{r.Status},{r.Old},{r.New},audio,1,Ann,,,,,,,,,etag,\"{r.Reason}\"\n")));
    }

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
    public void A_planned_file_Missing_orphans_and_an_unmatched_person_folder_keep_the_migration_open_and_are_all_listed()
    {
        // Issue 10, item 4: this workspace read "Closed ... every file verified".
        using var dir = new TempDir();
        Journal(dir.Path, Row("1_Ann/a.mp3", JournalRow.Verified));
        Inventory(dir.Path,
            ("1_Ann/", "Orphan", "", "folder marker (an object whose key ends in '/')", OrphanReason.FolderMarker),
            ("1_Ann/a.mp3", "Planned", "audio/1_Ann_a.mp3", "", OrphanReason.None),
            ("1_Ann/b.pdf", "Planned", "documents/1_Ann_b.pdf", "", OrphanReason.None),
            ("readme.txt", "Orphan", "", "file at the source root, outside any person folder", OrphanReason.RootFile),
            ("9_Zed/z.mp3", "Orphan", "", "person folder has no CSV row with row_id 9", OrphanReason.NoCsvRow),
            ("audio/5_Old_x.mp3", "Skipped", "", "already in the destination layout", OrphanReason.None));
        Integrity(dir.File("verification_report.csv"),
            ("Verified", "s3://src/1_Ann/a.mp3", "s3://src/audio/1_Ann_a.mp3", ""),
            ("Missing", "s3://src/1_Ann/b.pdf", "s3://src/documents/1_Ann_b.pdf", "planned by the inventory but never copied"));
        File.WriteAllText(dir.File(S3Migration.Workspace.BackupSummary.FileName), BackupSummary);
        File.WriteAllText(dir.File(RemovalSummary.FileName), DeletionSummary(0, 0).Replace("\"objects_deleted\": 2", "\"objects_deleted\": 1"));
        File.WriteAllText(dir.File(DeletionJournal.FileName), DeletionLogHeader
            + "s3://src/1_Ann/a.mp3,,audio,12,e1,s3://src/audio/1_Ann_a.mp3,s3://src-backup/pre-migration/1_Ann/a.mp3,deleted,,2025-04-01T09:00:10Z\n");

        var r = FinalReport.Create(dir.Path, dir.File("final_report.md"), "Final");
        Assert.Equal(FinalReport.NotClosed, r.Status);
        var md = File.ReadAllText(r.Path);
        Assert.DoesNotContain("every file", md);
        Assert.Contains("The migration is NOT closed", md);
        Assert.Contains("4 leftovers are unaccounted for", md);
        Assert.Contains("| s3://src/1_Ann/b.pdf | Missing | planned by the inventory but never copied | UNACCOUNTED FOR |", md);
        Assert.Contains("| s3://src/readme.txt | orphan | file at the source root, outside any person folder | UNACCOUNTED FOR |", md);
        Assert.Contains("| s3://src/9_Zed/z.mp3 | unmatched person folder | person folder has no CSV row with row_id 9 | UNACCOUNTED FOR |", md);
        Assert.Contains("| s3://src/1_Ann/ | folder marker |", md);
        Assert.DoesNotContain("1_Ann/a.mp3 |", md.Split("## Leftovers")[1]);          // migrated, verified and deleted: accounted for
        Assert.DoesNotContain("5_Old_x.mp3", md);                                      // already in the new layout: not the old one
    }

    /// <summary>A migration of two files, inventoried, copied, checked, backed up and deleted: nothing is left.</summary>
    private static void CleanWorkspace(string ws)
    {
        Journal(ws, Row("1_Ann/a.mp3", JournalRow.Verified, size: 12), Row("1_Ann/b.pdf", JournalRow.Verified, size: 8, type: "documents"));
        Inventory(ws, ("1_Ann/a.mp3", "Planned", "audio/1_Ann_a.mp3", ""), ("1_Ann/b.pdf", "Planned", "documents/1_Ann_b.pdf", ""));
        Integrity(Path.Combine(ws, "verification_report.csv"),
            ("Verified", "s3://src/1_Ann/a.mp3", "s3://src/audio/1_Ann_a.mp3", ""), ("Verified", "s3://src/1_Ann/b.pdf", "s3://src/documents/1_Ann_b.pdf", ""));
        File.WriteAllText(Path.Combine(ws, S3Migration.Workspace.BackupSummary.FileName), BackupSummary);
        File.WriteAllText(Path.Combine(ws, RemovalSummary.FileName), DeletionSummary(0, 0));
        File.WriteAllText(Path.Combine(ws, DeletionJournal.FileName), DeletionLogHeader
            + "s3://src/1_Ann/a.mp3,,audio,12,e1,s3://src/audio/1_Ann_a.mp3,s3://src-backup/pre-migration/1_Ann/a.mp3,deleted,,2025-04-01T09:00:10Z\n"
            + "s3://src/1_Ann/b.pdf,,documents,8,e2,s3://src/documents/1_Ann_b.pdf,s3://src-backup/pre-migration/1_Ann/b.pdf,deleted,,2025-04-01T09:00:11Z\n");
    }

    [Fact]
    public void A_clean_workspace_with_backup_and_deletion_is_closed()
    {
        using var dir = new TempDir();
        CleanWorkspace(dir.Path);
        var r = FinalReport.Create(dir.Path, dir.File("final_report.md"), "Final");
        Assert.Equal(FinalReport.Closed, r.Status);
        Assert.Empty(r.Reasons);
        Assert.Empty(r.Leftovers);
        Assert.Equal("verification_report.csv", r.IntegrityReport);
        Assert.Equal((2, 20L, 2L, 20L), (r.FilesMigrated, r.BytesMigrated, r.ObjectsDeleted, r.BytesReclaimed));
        var md = File.ReadAllText(r.Path);
        Assert.Contains("## Files migrated", md);                       // the certificate's sections
        Assert.Contains("| Backup location | s3://src-backup/pre-migration/ |", md);
        Assert.Contains("| documents | 8 |", md);                       // bytes_by_type
        Assert.Contains("deletion_log.csv: 2 deleted.", md);
        Assert.Contains("The migration is closed: every file of the old layout is verified in the new layout by the newest integrity check (verification_report.csv", md);
        Assert.Contains("None: every object of the old layout is verified in the new layout and deleted.", md);
        Assert.Contains("No copy failed.", md);
        Assert.False(File.Exists(dir.File(MigrationCertificate.MarkdownName)));   // the report does not write the certificate
        Assert.Single(md.Split('\n'), l => l == "## Sign-off");
    }

    [Fact]
    public void Without_an_inventory_or_an_integrity_check_nothing_can_be_accounted_for()
    {
        using var dir = new TempDir();
        CleanWorkspace(dir.Path);
        File.Delete(dir.File("verification_report.csv"));
        var noCheck = FinalReport.Create(dir.Path, dir.File("a.md"), "Final");
        Assert.Equal(FinalReport.NotClosed, noCheck.Status);
        Assert.Contains(noCheck.Reasons, x => x.StartsWith("no integrity check was run on this workspace"));

        CleanWorkspace(dir.Path);
        File.Delete(dir.File("inventory_checksums.csv"));
        var noInventory = FinalReport.Create(dir.Path, dir.File("b.md"), "Final");
        Assert.Equal(FinalReport.NotClosed, noInventory.Status);
        Assert.Contains(noInventory.Reasons, x => x.StartsWith("there is no inventory in the workspace"));
    }

    [Fact]
    public void Leftovers_accepted_by_the_operator_and_files_excluded_by_choice_do_not_block_and_are_recorded()
    {
        using var dir = new TempDir();
        CleanWorkspace(dir.Path);
        Inventory(dir.Path, ("1_Ann/a.mp3", "Planned", "audio/1_Ann_a.mp3", "", OrphanReason.None), ("1_Ann/b.pdf", "Planned", "documents/1_Ann_b.pdf", "", OrphanReason.None),
            ("1_Ann/c.mp3", "Planned", "audio/1_Ann_c.mp3", "", OrphanReason.None), ("9_Zed/z.mp3", "Orphan", "", "person folder has no CSV row with row_id 9", OrphanReason.NoCsvRow),
            ("9_Zed/y [1].mp3", "Orphan", "", "person folder has no CSV row with row_id 9", OrphanReason.NoCsvRow),
            ("notes.txt", "Orphan", "", "file at the source root, outside any person folder", OrphanReason.RootFile));
        Integrity(dir.File("verification_report.csv"),
            ("Verified", "s3://src/1_Ann/a.mp3", "s3://src/audio/1_Ann_a.mp3", ""), ("Verified", "s3://src/1_Ann/b.pdf", "s3://src/documents/1_Ann_b.pdf", ""),
            ("Excluded", "s3://src/1_Ann/c.mp3", "s3://src/audio/1_Ann_c.mp3", "left out of the copy by a filter in the pipeline"),
            ("NewUpload", "", "s3://src/audio/1_Ann_new.mp3", "a new upload that follows the naming rule"));

        var open = FinalReport.Create(dir.Path, dir.File("open.md"), "Final");
        Assert.Equal(FinalReport.NotClosed, open.Status);
        Assert.Equal((3, 0, 1), (open.LeftoversBlocking, open.LeftoversAccepted, open.LeftoversExcluded));
        Assert.Contains(open.Reasons, x => x.StartsWith("3 leftovers are unaccounted for (2 unmatched person folder, 1 orphan)"));

        var closed = FinalReport.Create(dir.Path, dir.File("closed.md"), "Final", new[] { "9_Zed/*", "s3://src/notes.txt", "nothing/*" }, "ops");
        Assert.Equal(FinalReport.Closed, closed.Status);
        Assert.Equal((0, 3, 1), (closed.LeftoversBlocking, closed.LeftoversAccepted, closed.LeftoversExcluded));
        Assert.Equal(new[] { "nothing/*" }, closed.UnusedPatterns);
        var md = File.ReadAllText(closed.Path);
        Assert.DoesNotContain("every file of the old layout", md);
        Assert.Contains("every migrated file is verified", md);
        Assert.Contains("except 1 file excluded by choice and 3 leftovers accepted by the operator", md);
        Assert.Contains("Accepted by the operator (ops) on ", md);
        Assert.Contains("with -AcceptLeftover '9_Zed/*', 's3://src/notes.txt', 'nothing/*'. Matching no leftover: 'nothing/*'.", md);
        Assert.Contains("| s3://src/9_Zed/y [1].mp3 | unmatched person folder | person folder has no CSV row with row_id 9 | accepted by the operator ('9_Zed/*') |", md);
        Assert.Contains("| s3://src/1_Ann/c.mp3 | excluded by choice | left out of the copy by a filter in the pipeline | excluded by choice |", md);
        Assert.DoesNotContain("1_Ann_new.mp3 |", md.Split("## Leftovers")[1]);      // a new upload in the new layout is no leftover
    }

    [Fact]
    public void The_newest_integrity_report_decides_a_watch_report_as_much_as_the_migrations_own()
    {
        using var dir = new TempDir();
        CleanWorkspace(dir.Path);
        File.SetLastWriteTimeUtc(dir.File("verification_report.csv"), DateTime.UtcNow.AddDays(-2));
        // A daily check after the cleanup finds a destination gone: its source was deleted, so only the backup has it.
        var daily = Path.Combine(dir.Path, "reports", "daily_20250402_061500_verification.csv");
        Integrity(daily, ("Verified", "s3://src/1_Ann/a.mp3", "s3://src/audio/1_Ann_a.mp3", ""), ("Missing", "s3://src/1_Ann/b.pdf", "s3://src/documents/1_Ann_b.pdf", "the destination is missing"));
        File.SetLastWriteTimeUtc(daily, DateTime.UtcNow.AddDays(-1));
        var r = FinalReport.Create(dir.Path, dir.File("r1.md"), "Final");
        Assert.Equal((FinalReport.NotClosed, "reports/daily_20250402_061500_verification.csv"), (r.Status, r.IntegrityReport));
        var left = Assert.Single(r.Leftovers);
        Assert.Equal(("s3://src/1_Ann/b.pdf", "Missing"), (left.Path, left.Kind));
        Assert.Contains("restore it from the backup", left.Why);

        // The destination is put back and checked again: the newest report is clean.
        var weekly = Path.Combine(dir.Path, "reports", "weekly_20250403_064500_verification.csv");
        Integrity(weekly, ("Verified", "s3://src/1_Ann/a.mp3", "s3://src/audio/1_Ann_a.mp3", ""), ("Verified", "s3://src/1_Ann/b.pdf", "s3://src/documents/1_Ann_b.pdf", ""));
        var again = FinalReport.Create(dir.Path, dir.File("r2.md"), "Final");
        Assert.Equal((FinalReport.Closed, "reports/weekly_20250403_064500_verification.csv"), (again.Status, again.IntegrityReport));
    }

    [Fact]
    public void Kept_and_failed_deletions_are_leftovers_listed_with_reasons()
    {
        using var dir = new TempDir();
        Journal(dir.Path, Row("1_Ann/a.mp3", JournalRow.Verified));
        var kept = Enumerable.Range(0, 25).Select(i => ($"9_Kept/f{i:00}.mp3", "Planned", $"audio/9_Kept_f{i:00}.mp3", "")).ToList();
        Inventory(dir.Path, kept.Append(("1_Ann/a.mp3", "Planned", "audio/1_Ann_a.mp3", "")).Append(("1_Ann/x.mp3", "Planned", "audio/1_Ann_x.mp3", "")).ToArray());
        Integrity(dir.File("verification_report.csv"), kept.Select(k => ("Verified", "s3://src/" + k.Item1, "s3://src/" + k.Item3, ""))
            .Append(("Verified", "s3://src/1_Ann/a.mp3", "s3://src/audio/1_Ann_a.mp3", "")).Append(("Verified", "s3://src/1_Ann/x.mp3", "s3://src/audio/1_Ann_x.mp3", "")).ToArray());
        File.WriteAllText(dir.File(S3Migration.Workspace.BackupSummary.FileName), BackupSummary);
        File.WriteAllText(dir.File(RemovalSummary.FileName), DeletionSummary(25, 1).Replace("\"objects_deleted\": 2", "\"objects_deleted\": 1"));
        var log = DeletionLogHeader + string.Concat(Enumerable.Range(0, 25).Select(i => $"s3://src/9_Kept/f{i:00}.mp3,,audio,1,e,,,kept,\"no verified backup, kept\",\n"))
                  + "s3://src/1_Ann/x.mp3,v1,audio,1,e,,,failed,S3 answered 403 AccessDenied,\n"
                  + "s3://src/1_Ann/a.mp3,,audio,10,e1,s3://src/audio/1_Ann_a.mp3,,deleted,,2025-04-01T09:00:10Z\n";
        File.WriteAllText(dir.File(DeletionJournal.FileName), log);
        var r = FinalReport.Create(dir.Path, dir.File("final_report.md"), "Final");
        Assert.Equal(FinalReport.NotClosed, r.Status);
        Assert.Equal(25L, r.ObjectsKept);
        Assert.Contains(r.Reasons, x => x.StartsWith("26 leftovers are unaccounted for (25 kept by the cleanup, 1 deletion failed)"));
        var md = File.ReadAllText(r.Path);
        Assert.Contains("### Objects kept", md);
        Assert.Contains("| s3://src/9_Kept/f19.mp3 |  | 1 | no verified backup, kept |", md);
        Assert.Contains("… and 5 more (see deletion_log.csv).", md);
        Assert.Contains("| s3://src/1_Ann/x.mp3 | v1 | 1 | S3 answered 403 AccessDenied |", md);
        // The deletion section caps its tables; the leftovers list every one.
        Assert.Contains("| s3://src/9_Kept/f24.mp3 | kept by the cleanup | verified in the new layout; no verified backup, kept | UNACCOUNTED FOR |", md);
        Assert.Contains("| s3://src/1_Ann/x.mp3 | deletion failed | verified in the new layout; S3 answered 403 AccessDenied | UNACCOUNTED FOR |", md);
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
        Assert.Contains("The migration is NOT closed: ", md);
        Assert.Contains("the old structure was not backed up (Backup-MigrationSource not run); the old structure was not deleted (Remove-MigrationSource not run)", md);
        foreach (var h in new[] { "## Lessons learned", "## What went well", "## What went wrong", "## What we would do differently", "## Follow-ups", "## Sign-off" })
            Assert.Contains(h + "\n", md);
    }

    [Fact]
    public void A_deletion_log_that_does_not_prove_the_summarys_deletions_keeps_the_migration_open()
    {
        using var dir = new TempDir();
        CleanWorkspace(dir.Path);
        File.WriteAllText(dir.File(DeletionJournal.FileName), "key,status\nx,deleted\n");   // not deletion_log.csv's columns: no row reads as a deletion
        var r = FinalReport.Create(dir.Path, dir.File("r.md"), "Final");
        Assert.Equal(FinalReport.NotClosed, r.Status);
        Assert.Contains(r.Reasons, x => x.Contains("deletion_summary.json counts 2 deleted objects but deletion_log.csv records 0"));
        Assert.Equal(new[] { "s3://src/1_Ann/a.mp3", "s3://src/1_Ann/b.pdf" }, r.Leftovers.Select(l => l.Path));
        Assert.All(r.Leftovers, l => Assert.Equal("not deleted", l.Kind));
    }

    [Theory]
    [InlineData("s3://src/9_Zed/a.mp3", "9_Zed/*", true)]
    [InlineData("s3://src/9_Zed/a.mp3", "s3://src/9_Zed/*", true)]
    [InlineData("s3://src/9_Zed/a.mp3", "s3://src/9_Zed/a.mp3", true)]
    [InlineData("s3://src/9_Zed/a [1].mp3", "9_Zed/a [1].mp3", true)]   // brackets are literal: S3 keys often hold them
    [InlineData("s3://src/9_Zed/a.mp3", "9_zed/*", false)]              // S3 keys are case-sensitive
    [InlineData("s3://src/9_Zed/a.mp3", "9_Zed/?.mp3", true)]
    [InlineData("s3://src/9_Zed/ab.mp3", "9_Zed/?.mp3", false)]
    [InlineData("s3://src/1_Ann/a.mp3", "9_Zed/*", false)]
    public void AcceptLeftover_patterns_match_the_path_or_the_key(string path, string pattern, bool matches) =>
        Assert.Equal(matches, S3Migration.Rules.PhaseGates.AcceptLeftoverMatches(path, pattern));
}
