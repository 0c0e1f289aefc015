using System.Text;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit.Rules;

/// <summary>The gates around the cleanup as pure decisions, the people CSV's references, and deletion_log.csv's outcomes.</summary>
public class PhaseGateTests
{
    private static SourceDeletionFacts AllPassed(params CsvUrlReference[] csv) => new()
    {
        Source = GateCheck.Passed, Destination = GateCheck.Passed, Backup = GateCheck.Passed, CsvReferences = csv,
    };

    [Fact]
    public void A_source_is_deleted_only_when_every_fact_is_proven_and_the_first_failure_is_the_reason()
    {
        Assert.Null(PhaseGates.WhyKeepSource(AllPassed()));

        var changed = AllPassed(); changed.Source = GateCheck.Failed("the source changed since the copy"); changed.Backup = GateCheck.Failed("no verified backup");
        Assert.Equal("the source changed since the copy", PhaseGates.WhyKeepSource(changed));

        // A check that was never made proves nothing.
        Assert.Equal("the destination could not be checked", PhaseGates.WhyKeepSource(new SourceDeletionFacts { Source = GateCheck.Passed }));
        var unread = AllPassed(); unread.CsvReferences = null;
        Assert.Contains("people CSV was not read", PhaseGates.WhyKeepSource(unread));

        var named = AllPassed(new CsvUrlReference { Line = 3, Column = "audio_url" }, new CsvUrlReference { Line = 9, Column = "links" });
        Assert.Equal("the people CSV still names it (line 3, audio_url; line 9, links); run Update-OutputCsv first", PhaseGates.WhyKeepSource(named));
    }

    [Fact]
    public void Skipping_a_check_is_the_operators_choice_and_only_that_check_is_skipped()
    {
        var noBackup = AllPassed(); noBackup.Backup = null; noBackup.BackupCheckSkipped = true;
        Assert.Null(PhaseGates.WhyKeepSource(noBackup));
        var noCsv = AllPassed(new CsvUrlReference { Line = 2, Column = "c" }); noCsv.CsvCheckSkipped = true;
        Assert.Null(PhaseGates.WhyKeepSource(noCsv));
        noCsv.Destination = GateCheck.Failed("the destination is missing");
        Assert.Equal("the destination is missing", PhaseGates.WhyKeepSource(noCsv));
    }

    [Fact]
    public void The_cleanup_waits_for_the_grace_period_after_the_newest_copy_unless_forced()
    {
        var copies = new[] { new DateTime(2025, 3, 1, 10, 0, 0, DateTimeKind.Utc), new DateTime(2025, 3, 10, 8, 30, 0, DateTimeKind.Utc) };
        var why = PhaseGates.WhyWaitForGracePeriod(copies, 30, force: false, new DateTime(2025, 4, 9, 8, 29, 59, DateTimeKind.Utc))!;
        Assert.StartsWith("The grace period has not passed: the newest of these 2 copies was made 2025-03-10", why);
        Assert.Contains("-Force", why);
        Assert.Null(PhaseGates.WhyWaitForGracePeriod(copies, 30, force: false, new DateTime(2025, 4, 9, 8, 30, 0, DateTimeKind.Utc)));
        Assert.Null(PhaseGates.WhyWaitForGracePeriod(copies, 30, force: true, copies[1]));
        Assert.Null(PhaseGates.WhyWaitForGracePeriod(Array.Empty<DateTime>(), 30, force: false, copies[0]));
    }

    private static UndoFacts Undo(SourceNow now) => new()
    {
        SourceBucket = "media", SourceKey = "1_Ann/it's.mp3", TargetBucket = "media", TargetKey = "audio/1_Ann_it_s.mp3", Source = now,
        BackupPath = "s3://media-backup/1_Ann/it's.mp3", VersionId = "v1",
    };

    [Fact]
    public void Undo_deletes_a_destination_only_while_its_source_exists()
    {
        Assert.Null(PhaseGates.WhyKeepDestination(Undo(SourceNow.Present)));
        foreach (var now in new[] { SourceNow.DeletedByCleanup, SourceNow.HiddenByDeleteMarker, SourceNow.Missing })
        {
            var why = PhaseGates.WhyKeepDestination(Undo(now))!;
            Assert.Contains("s3://media/audio/1_Ann_it_s.mp3 is the only live copy", why);
            Assert.Contains("aws s3 cp \"s3://media/audio/1_Ann_it_s.mp3\" \"s3://media/1_Ann/it's.mp3\"", why);
            Assert.Contains("Copy-S3Object -BucketName 'media' -Key 'audio/1_Ann_it_s.mp3' -DestinationBucket 'media' -DestinationKey '1_Ann/it''s.mp3'", why);
            Assert.Contains("restore s3://media-backup/1_Ann/it's.mp3 from the Glacier backup as RESTORE.md", why);
        }
        Assert.Contains("delete the delete marker", PhaseGates.WhyKeepDestination(Undo(SourceNow.HiddenByDeleteMarker)));
        Assert.Contains("Remove-MigrationSource deleted it", PhaseGates.WhyKeepDestination(Undo(SourceNow.DeletedByCleanup)));
        Assert.Contains("could not be checked", PhaseGates.WhyKeepDestination(Undo(SourceNow.Unknown)));
    }

    [Fact]
    public void A_csv_restore_that_would_break_urls_is_refused_unless_forced_and_names_the_first_ten()
    {
        var urls = Enumerable.Range(1, 12).Select(i => new CsvUrlReference { Line = i + 1, Column = "s3_audio_url", Url = $"s3://b/{i}_P/a.mp3" }).ToList();
        Assert.Null(PhaseGates.WhyRefuseCsvRestore(Array.Empty<CsvUrlReference>(), force: false));
        Assert.Null(PhaseGates.WhyRefuseCsvRestore(urls, force: true));
        var why = PhaseGates.WhyRefuseCsvRestore(urls, force: false)!;
        Assert.StartsWith("12 URLs of the backup name objects that Remove-MigrationSource deleted", why);
        Assert.Contains("line 11, s3_audio_url: s3://b/10_P/a.mp3; and 2 more", why);
        Assert.DoesNotContain("11_P", why);
        Assert.Contains("-Force", why);
    }

    [Fact]
    public void The_csv_references_are_found_in_every_column_and_form_and_a_signature_never_shows()
    {
        var objects = new[] { "s3://media/1_Ann/my song.mp3", "s3://media/2_Bo/b.pdf", "s3://media/3_Cy/c.mp4", "s3://media/4_Di/d.mp3" };
        var text = "row_id,name,s3_audio_url,notes\n" +
                   "1,Ann,s3://media/1_Ann/my song.mp3;s3://media/2_Bo/b.pdf,\n" +
                   "2,Bo,,\"see https://media.s3.eu-west-1.amazonaws.com/3_Cy/c.mp4?X-Amz-Signature=secret,\nand more\"\n" +
                   "3,Cy,https://s3.amazonaws.com/media/4_Di/d.mp3 | s3://other/4_Di/d.mp3,\n" +
                   "4,Di,s3://media/1_Ann/my song.mp3.bak,\n";
        var found = CsvUrlReferences.InBytes(Encoding.UTF8.GetBytes(text), "output.csv", objects);

        // Lines are where a row starts: Bo's quoted cell spans two, so Cy's row starts on line 5.
        Assert.Equal(new[] { (2, "s3_audio_url", "s3://media/1_Ann/my song.mp3"), (2, "s3_audio_url", "s3://media/2_Bo/b.pdf"), (3, "notes", "s3://media/3_Cy/c.mp4"), (5, "s3_audio_url", "s3://media/4_Di/d.mp3") },
            found.Select(f => (f.Line, f.Column, f.ObjectPath)).OrderBy(f => f.Line).ThenBy(f => f.ObjectPath, StringComparer.Ordinal));
        Assert.DoesNotContain(found, f => f.Url.Contains("secret"));
        Assert.Empty(CsvUrlReferences.InBytes(Encoding.UTF8.GetBytes(text), "output.csv", new[] { "s3://media/9_Zed/z.mp3" }));
    }

    private static DeletionRow Row(string key, string status, DateTime? at = null) => new()
    {
        SourcePath = "s3://b/" + key, FileType = "audio", Size = 3, SourceETag = "e", Status = status, Reason = status, DeletedAt = at,
    };

    [Fact]
    public void Deletion_log_outcomes_are_each_sources_last_row_and_an_intent_without_one_is_unsettled()
    {
        using var dir = new TempDir();
        using (var j = DeletionJournal.Open(dir.Path))
        {
            j.Append(Row("1_Ann/a.mp3", DeletionRow.Kept));
            j.AppendIntents(new[] { Row("1_Ann/a.mp3", DeletionRow.Deleted), Row("2_Bo/b.mp3", DeletionRow.Deleted) });
            j.Append(Row("1_Ann/a.mp3", DeletionRow.Deleted, DateTime.UtcNow));
        }
        var rows = DeletionJournal.Read(dir.Path);
        Assert.Equal(new[] { "kept", "deleting", "deleting", "deleted" }, rows.Select(r => r.Status));
        Assert.Null(rows[1].DeletedAt); // an intent never claims a deletion time
        var outcomes = DeletionJournal.Outcomes(rows);
        Assert.True(outcomes["s3://b/1_Ann/a.mp3"].IsGone);
        Assert.Equal("s3://b/2_Bo/b.mp3", Assert.Single(DeletionJournal.Unsettled(rows)).SourcePath);
    }

    [Fact]
    public void A_log_without_intent_rows_still_reads_and_a_torn_last_line_is_left_out()
    {
        using var dir = new TempDir();
        // As Remove-MigrationSource wrote it before intents existed, then a crash tore the last line.
        File.WriteAllText(DeletionJournal.PathIn(dir.Path), string.Join(",", DeletionRow.Columns) + "\n" +
            "s3://b/1_Ann/a.mp3,,audio,3,e,s3://b/audio/1_Ann_a.mp3,,kept,the source changed,\n" +
            "s3://b/1_Ann/a.mp3,,audio,3,e,s3://b/audio/1_Ann_a.mp3,,deleted,deleted,2025-01-02T03:04:05.0000000Z\n" +
            "s3://b/2_Bo/b.mp3,,audio,3,e,s3://b/audio/2_Bo_b.mp3,,dele");
        var rows = DeletionJournal.Read(dir.Path);
        Assert.Equal(2, rows.Count);
        var a = DeletionJournal.Outcomes(rows)["s3://b/1_Ann/a.mp3"];
        Assert.Equal((DeletionRow.Deleted, new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc)), (a.Status, a.DeletedAt!.Value.ToUniversalTime()));
        Assert.Empty(DeletionJournal.Unsettled(rows));

        // Reopening starts on a fresh line, so the next row is whole.
        using (var j = DeletionJournal.Open(dir.Path)) j.Append(Row("2_Bo/b.mp3", DeletionRow.Kept));
        Assert.Equal(DeletionRow.Kept, DeletionJournal.Outcomes(dir.Path)["s3://b/2_Bo/b.mp3"].Status);
    }
}
