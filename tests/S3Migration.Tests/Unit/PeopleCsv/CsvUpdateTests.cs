using System.Text;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit.PeopleCsv;

/// <summary>
/// Update-OutputCsv's rules on golden files: every URL form rewritten in its own form, and every byte that is not a
/// rewritten URL or a new column left as it was (BOM, CRLF or LF, quoting, embedded commas, quotes and newlines).
/// </summary>
public class CsvUpdateTests
{
    /// <summary>A journal of verified copies of bucket "media", named by the real naming rule.</summary>
    public static List<ExpectedCopy> Journal()
    {
        var builder = new TargetKeyBuilder(FileTypeMap.Default, "");
        ExpectedCopy Copy(string rowId, string name, string folder, string file)
        {
            var t = builder.Build(rowId, name, file);
            return new ExpectedCopy
            {
                RowId = rowId, PersonName = name, FileType = t.FileType, SourceBucket = "media", SourceKey = folder + "/" + file,
                TargetBucket = "media", TargetKey = t.TargetKey, Size = 10, Md5 = "0123456789abcdef0123456789abcdef", Migrated = true,
            };
        }
        return new List<ExpectedCopy>
        {
            Copy("101", "Ada_Lovelace", "101_Ada_Lovelace", "lecture.mp3"),
            Copy("101", "Ada_Lovelace", "101_Ada_Lovelace", "extra.mp3"),
            Copy("101", "Ada_Lovelace", "101_Ada_Lovelace", "talk.mp4"),
            Copy("101", "Ada_Lovelace", "101_Ada_Lovelace", "talk.srt"),
            Copy("101", "Ada_Lovelace", "101_Ada_Lovelace", "notes.pdf"),
            Copy("102", "Alan Turing", "102_Alan Turing", "interview one.m4a"),
            Copy("102", "Alan Turing", "102_Alan Turing", "lecture.mp4"),
            Copy("103", "José", "103_José", "a+b #1.mp3"),
            Copy("103", "José", "103_José", "photo.png"),
        };
    }

    private static string Golden(string name) => Path.Combine(RepoPaths.Root, "tests", "S3Migration.Tests", "Golden", "Csv", name);

    private static (TempDir Dir, string Csv) Copy(string golden)
    {
        var dir = new TempDir();
        var csv = dir.File("output.csv");
        File.Copy(Golden(golden), csv);
        return (dir, csv);
    }

    [Theory]
    [InlineData("forms", null, false)]
    [InlineData("delimited", ";", true)]
    public void Golden_files_are_rewritten_byte_for_byte(string name, string? delimiter, bool keepSchema)
    {
        var (dir, csv) = Copy(name + ".input.csv");
        using var _ = dir;
        var options = new CsvUpdateOptions { UrlDelimiter = delimiter, KeepSchema = keepSchema };
        var plan = CsvUrlUpdater.Plan(csv, File.ReadAllBytes(csv), Journal(), options);
        Assert.Empty(plan.Problems);
        CsvFileSwap.Apply(plan, dir.File("ws"));

        var expected = File.ReadAllBytes(Golden(name + ".expected.csv"));
        var actual = File.ReadAllBytes(csv);
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        Assert.True(expected.SequenceEqual(actual));

        // A second run finds nothing to change and leaves the file alone.
        var again = CsvUrlUpdater.Plan(csv, actual, Journal(), options);
        Assert.Empty(again.Problems);
        Assert.False(again.HasChanges);
    }

    [Fact]
    public void The_changes_name_each_cell_and_the_comparison_counts_before_and_after()
    {
        var (dir, csv) = Copy("forms.input.csv");
        using var _ = dir;
        var plan = CsvUrlUpdater.Plan(csv, File.ReadAllBytes(csv), Journal(), new CsvUpdateOptions());
        Assert.Equal(6, plan.Changes.Count(c => c.Action == CsvChangeAction.Rewritten));
        Assert.Equal(2, plan.Changes.Count(c => c.Action == CsvChangeAction.Filled));
        var alan = plan.Changes.Single(c => c.RowId == "102" && c.Column == "s3_audio_url");
        Assert.Equal("https://s3.eu-west-1.amazonaws.com/media/102_Alan%20Turing/interview%20one.m4a", alan.OldUrl);
        Assert.Equal("https://s3.eu-west-1.amazonaws.com/media/audio/102_Alan_Turing_interview_one.m4a", alan.NewUrl);
        Assert.Equal("Alan Turing", alan.PersonName);

        var cmp = plan.Comparison;
        Assert.Equal(4, cmp.Rows);
        Assert.Equal(3, cmp.PeopleWithEntriesBefore);
        Assert.Equal(3, cmp.PeopleWithEntriesAfter);
        var audio = cmp.ByType.Single(t => t.FileType == "audio");
        Assert.Equal((3, 3, 0, 3), (audio.UrlsBefore, audio.UrlsAfter, audio.NewLayoutBefore, audio.NewLayoutAfter));
        var documents = cmp.ByType.Single(t => t.FileType == "documents");
        Assert.Equal((0, 1), (documents.UrlsBefore, documents.UrlsAfter));
        Assert.Equal(new[] { "s3_document_url", "s3_image_url", "audio_file_count", "video_file_count", "transcripts_file_count", "documents_file_count", "images_file_count", "migration_completed" }, cmp.AddedColumns);
    }

    [Fact]
    public void A_failure_between_writing_and_swapping_leaves_the_original_intact()
    {
        var (dir, csv) = Copy("forms.input.csv");
        using var _ = dir;
        var original = File.ReadAllBytes(csv);
        var plan = CsvUrlUpdater.Plan(csv, original, Journal(), new CsvUpdateOptions());
        string? seenTemp = null;
        CsvFileSwap.BeforeSwap = temp => { seenTemp = temp; throw new IOException("disk full (injected)"); };
        try
        {
            var ex = Assert.Throws<MigrationException>(() => CsvFileSwap.Apply(plan, dir.File("ws")));
            Assert.Equal("CsvWriteFailed", ex.ErrorId);
        }
        finally { CsvFileSwap.BeforeSwap = null; }
        Assert.NotNull(seenTemp);
        Assert.True(original.SequenceEqual(File.ReadAllBytes(csv)));
        Assert.False(File.Exists(seenTemp));
        Assert.Equal(new[] { "output.csv" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_CSV_changed_by_another_program_meanwhile_is_not_overwritten()
    {
        var (dir, csv) = Copy("forms.input.csv");
        using var _ = dir;
        var plan = CsvUrlUpdater.Plan(csv, File.ReadAllBytes(csv), Journal(), new CsvUpdateOptions());
        CsvFileSwap.BeforeSwap = _ => File.AppendAllText(csv, "106,Late Arrival,,,,,\r\n");
        try { Assert.Equal("CsvChanged", Assert.Throws<MigrationException>(() => CsvFileSwap.Apply(plan, null)).ErrorId); }
        finally { CsvFileSwap.BeforeSwap = null; }
        Assert.EndsWith("106,Late Arrival,,,,,\r\n", File.ReadAllText(csv));
    }

    [Fact]
    public void Restore_puts_back_the_exact_original_bytes_and_saves_what_it_replaces()
    {
        var (dir, csv) = Copy("forms.input.csv");
        using var _ = dir;
        var original = File.ReadAllBytes(csv);
        var ws = dir.File("ws");
        var cmp = CsvFileSwap.Apply(CsvUrlUpdater.Plan(csv, original, Journal(), new CsvUpdateOptions()), ws);
        Assert.Equal(Path.Combine(dir.Path, "backups", "output_pre_url_update.csv"), cmp.BackupPath);
        Assert.Equal(CsvBackup.Md5Hex(original), CsvBackup.ReadMd5File(cmp.BackupPath + ".md5"));
        var updated = File.ReadAllBytes(csv);

        var (path, backup, updatedMd5) = CsvRestore.FromWorkspace(ws);
        var result = CsvRestore.Restore(path, backup, updatedMd5, force: false);
        Assert.Equal(CsvRestoreStatus.Restored, result.Status);
        Assert.True(original.SequenceEqual(File.ReadAllBytes(csv)));
        Assert.True(updated.SequenceEqual(File.ReadAllBytes(result.SavedCurrentAs!)));
        Assert.Equal(CsvRestoreStatus.AlreadyRestored, CsvRestore.Restore(path, backup, updatedMd5, force: false).Status);
    }

    [Fact]
    public void Restore_refuses_a_backup_that_does_not_match_its_md5_and_a_CSV_changed_since_the_update()
    {
        var (dir, csv) = Copy("forms.input.csv");
        using var _ = dir;
        var ws = dir.File("ws");
        var cmp = CsvFileSwap.Apply(CsvUrlUpdater.Plan(csv, File.ReadAllBytes(csv), Journal(), new CsvUpdateOptions()), ws);
        var (path, backup, updatedMd5) = CsvRestore.FromWorkspace(ws);

        File.AppendAllText(csv, "106,Added by the app,,,,,\r\n");
        var changed = File.ReadAllBytes(csv);
        Assert.Equal("CsvChangedSinceUpdate", Assert.Throws<MigrationException>(() => CsvRestore.Restore(path, backup, updatedMd5, force: false)).ErrorId);
        Assert.True(changed.SequenceEqual(File.ReadAllBytes(csv)));

        var good = File.ReadAllBytes(cmp.BackupPath!);
        File.WriteAllBytes(cmp.BackupPath!, good.Select((b, i) => i == 10 ? (byte)'X' : b).ToArray());
        Assert.Equal("BackupCorrupt", Assert.Throws<MigrationException>(() => CsvRestore.Restore(path, backup, updatedMd5, force: true)).ErrorId);
        Assert.True(changed.SequenceEqual(File.ReadAllBytes(csv)));
    }

    [Theory]
    [InlineData("row_id,name,s3_audio_url\n101,Ada,s3://media/101_Ada_Lovelace/lecture.mp3\n101,Ada again,\n", "CsvMalformed", "line 3")]
    [InlineData("row_id,name,s3_audio_url\n101,Ada\n", "CsvMalformed", "line 2")]
    [InlineData("row_id,name,s3_audio_url\n101,\"Ada\"x,\n", "CsvMalformed", "stray quote")]
    [InlineData("row_id,name,notes\n101,Ada,x\n", "CsvNoUrlColumns", "s3_audio_url")]
    [InlineData("row_id,s3_audio_url,S3_AUDIO_URL\n101,,\n", "CsvMalformed", "appears twice")]
    [InlineData("id,name,s3_audio_url\n101,Ada,\n", "CsvMalformed", "row_id")]
    [InlineData("row_id,name,s3_audio_url\nabc,Ada,\n", "CsvMalformed", "not a number")]
    [InlineData("row_id,name,s3_audio_url\n101,Ada,s3://other-bucket/101_Ada_Lovelace/lecture.mp3\n", "JournalMismatch", "other-bucket")]
    public void Bad_input_is_a_clear_error(string text, string errorId, string says)
    {
        using var dir = new TempDir();
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, text);
        var ex = Assert.Throws<MigrationException>(() => CsvUrlUpdater.Plan(csv, File.ReadAllBytes(csv), Journal(), new CsvUpdateOptions()));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains(says, ex.Message);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_are_refused()
    {
        using var dir = new TempDir();
        var csv = dir.File("output.csv");
        File.WriteAllBytes(csv, Encoding.Latin1.GetBytes("row_id,name,s3_audio_url\n103,José,\n"));
        Assert.Equal("CsvEncoding", Assert.Throws<MigrationException>(() => CsvUrlUpdater.Plan(csv, File.ReadAllBytes(csv), Journal(), new CsvUpdateOptions())).ErrorId);
    }

    [Theory]
    [InlineData("s3://media/102_Alan Turing/lecture.mp4", "s3_video_url", "row_id 102")]   // another person's file
    [InlineData("s3://media/101_Ada_Lovelace/talk.mp4", "s3_audio_url", "video file")]     // the wrong column
    [InlineData("https://media.s3.amazonaws.com/101_Ada_Lovelace/talk.mp4?X-Amz-Signature=secret", "s3_video_url", "signed URL")]
    [InlineData("s3://elsewhere/101_Ada_Lovelace/talk.mp4", "s3_video_url", "outside the migration")]
    [InlineData("see attachment", "s3_video_url", "not an S3 URL")]
    public void A_row_that_fails_validation_is_named_and_nothing_is_written(string url, string column, string says)
    {
        using var dir = new TempDir();
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, $"row_id,name,s3_audio_url,s3_video_url\n101,Ada,s3://media/101_Ada_Lovelace/lecture.mp3,\n");
        var text = File.ReadAllText(csv).Replace(column == "s3_audio_url" ? "s3://media/101_Ada_Lovelace/lecture.mp3," : ",\n", column == "s3_audio_url" ? url + "," : "," + url + "\n");
        File.WriteAllText(csv, text);
        var plan = CsvUrlUpdater.Plan(csv, File.ReadAllBytes(csv), Journal(), new CsvUpdateOptions());
        var problem = Assert.Single(plan.Problems);
        Assert.Equal(2, problem.Line);
        Assert.Equal(column, problem.Column);
        Assert.Contains(says, problem.Message);
        Assert.DoesNotContain("secret", problem.Message);
    }

    [Fact]
    public void A_row_with_no_files_at_all_is_not_completed()
    {
        // Nothing of row 105 was found or copied: "true" would tell the application its migration is done.
        var (dir, csv) = Copy("forms.input.csv");
        using var _ = dir;
        var plan = CsvUrlUpdater.Plan(csv, File.ReadAllBytes(csv), Journal(), new CsvUpdateOptions());
        Assert.Contains("\n105,Nobody,,,,,,,,0,0,0,0,0,false", plan.NewText.Replace("\r\n", "\n"));
        Assert.Equal(3, plan.Comparison.PeopleCompleted);
        Assert.Equal(1, plan.Comparison.PeopleWithoutFiles);
    }

    [Fact]
    public void Only_verified_copies_are_rewritten_and_the_person_is_then_not_completed()
    {
        using var dir = new TempDir();
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,s3_audio_url,s3_video_url\n101,Ada,s3://media/101_Ada_Lovelace/lecture.mp3,s3://media/101_Ada_Lovelace/talk.mp4\n");
        var journal = Journal();
        journal.Single(e => e.SourceKey.EndsWith("talk.mp4")).Migrated = false;
        var plan = CsvUrlUpdater.Plan(csv, File.ReadAllBytes(csv), journal, new CsvUpdateOptions());
        Assert.Empty(plan.Problems);
        Assert.Equal("s3_audio_url", Assert.Single(plan.Changes, c => c.Action == CsvChangeAction.Rewritten).Column);
        Assert.Equal(1, plan.Comparison.NotMigrated);
        Assert.Equal(0, plan.Comparison.PeopleCompleted);
        Assert.Contains("s3://media/101_Ada_Lovelace/talk.mp4,", plan.NewText);
        Assert.EndsWith(",false\n", plan.NewText);
    }

    [Fact]
    public void UrlColumn_maps_an_operator_s_own_column_name()
    {
        using var dir = new TempDir();
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,Audio Link\n101,Ada,s3://media/101_Ada_Lovelace/lecture.mp3\n");
        var options = new CsvUpdateOptions { Columns = CsvUpdateOptions.ColumnsWith(new System.Collections.Hashtable { ["Audio Link"] = "audio" }), KeepSchema = true };
        var plan = CsvUrlUpdater.Plan(csv, File.ReadAllBytes(csv), Journal(), options);
        Assert.Equal("row_id,name,Audio Link\n101,Ada,s3://media/audio/101_Ada_Lovelace_lecture.mp3\n", plan.NewText);
        Assert.Throws<ArgumentException>(() => CsvUpdateOptions.ColumnsWith(new System.Collections.Hashtable { ["x"] = "" }));
    }
}
