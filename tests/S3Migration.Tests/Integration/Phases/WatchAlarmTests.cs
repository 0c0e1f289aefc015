using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// The 30-day watch raises an alarm for what needs an operator and only for that: files an operator chose not to
/// migrate are Excluded and the application's uploads that follow the naming rule are NewUpload (both information,
/// exit 0), while an upload into the old layout is Unexpected (exit 1), also after the cleanup.
/// </summary>
[Collection(S3Collection.Name)]
public class WatchAlarmTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    private static readonly string Daily = Path.Combine(RepoPaths.Root, "scripts", "Invoke-DailyIntegrityCheck.ps1");
    public WatchAlarmTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    /// <summary>Two people with an audio, a document and a file of an unmapped type each, and their CSV.</summary>
    private (TestBucket Bucket, string Csv, string Ws) Seeded(TempDir dir, string stem)
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName(stem));
        b.Put("1_Ann/talk.mp3", "ann audio"); b.Put("1_Ann/cv.pdf", "ann cv"); b.Put("1_Ann/notes.xyz", "ann raw notes");
        b.Put("2_Bo/clip.mp3", "bo audio"); b.Put("2_Bo/thesis.pdf", "bo thesis"); b.Put("2_Bo/dump.bin", "bo dump");
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,s3_audio_url\n" + $"1,Ann,s3://{b.Name}/1_Ann/talk.mp3\n" + $"2,Bo,s3://{b.Name}/2_Bo/clip.mp3\n");
        return (b, csv, dir.File("migration"));
    }

    /// <summary>The README's quick-start copy: the inventory into the workspace, the unmapped files filtered out.</summary>
    private void QuickStartCopy(TestBucket b, string csv, string ws)
    {
        var run = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws -EndpointUrl $endpoint |
                Where-Object FileType -ne '_unknown' |
                Copy-PersonFiles -DestinationBucket $bucket -WorkspacePath $ws -EndpointUrl $endpoint |
                Where-Object Status -eq 'Failed'
            """, ("bucket", b.Name), ("csv", csv), ("ws", ws));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        Assert.Empty(run.Output);
    }

    private List<IntegrityResult> Check(string ws, string extra = "") =>
        CopyRun.Pipe(_moto, $"Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint {extra}", ("ws", ws)).Objects<IntegrityResult>().ToList();

    /// <summary>Runs the daily scheduled-task script; its exit code and the text report it wrote.</summary>
    private (int Exit, string Report) RunDaily(string ws, string extra = "")
    {
        var run = CopyRun.Pipe(_moto, $"& $script -WorkspacePath $ws -EndpointUrl $endpoint {extra}; $LASTEXITCODE", ("script", Daily), ("ws", ws));
        var report = Directory.GetFiles(Path.Combine(ws, "reports"), "daily_*.txt").OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal).Last();
        return ((int)run.Output.Last().BaseObject, File.ReadAllText(report));
    }

    [Fact]
    public void Files_filtered_out_in_the_quick_start_are_Excluded_not_Missing_and_the_daily_check_exits_0()
    {
        using var dir = new TempDir();
        var (b, csv, ws) = Seeded(dir, "excluded");
        QuickStartCopy(b, csv, ws);

        var results = Check(ws);
        var excluded = results.Where(r => r.Status == IntegrityStatus.Excluded).ToList();
        Assert.Equal(new[] { "1_Ann/notes.xyz", "2_Bo/dump.bin" }, excluded.Select(r => r.SourceKey).OrderBy(k => k, StringComparer.Ordinal));
        Assert.All(excluded, r => Assert.Contains("by choice", r.Reason));
        Assert.Equal(4, results.Count(r => r.Status == IntegrityStatus.Verified));
        Assert.DoesNotContain(results, r => r.Status == IntegrityStatus.Missing);
        var summary = Assert.IsType<IntegritySummary>(Assert.Single(CopyRun.Pipe(_moto, "Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -Summary", ("ws", ws)).Output).BaseObject);
        Assert.True(summary.AllVerified, summary.ToString());
        Assert.Equal((2, 0), (summary.Excluded, summary.Missing));

        var (exit, report) = RunDaily(ws);
        Assert.Equal(0, exit);
        Assert.Contains("Information: 2 files left out of the copy by choice", report);
        Assert.Contains("Result: OK", report);

        // Copying them later lifts the exclusion: they are verified like the rest.
        var later = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -WorkspacePath $ws -EndpointUrl $endpoint | Where-Object FileType -eq '_unknown' |
                Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint
            """, ("bucket", b.Name), ("ws", ws));
        Assert.Equal(2, later.Objects<MigrationResult>().Count(r => r.Status == MigrationResultStatus.Verified));
        var after = Check(ws);
        Assert.Equal(6, after.Count(r => r.Status == IntegrityStatus.Verified));
        Assert.DoesNotContain(after, r => r.Status == IntegrityStatus.Excluded);
    }

    [Fact]
    public void An_upload_to_the_key_Get_MigrationTargetKey_gives_is_a_NewUpload_and_the_daily_check_exits_0()
    {
        using var dir = new TempDir();
        var (b, csv, ws) = Seeded(dir, "newupload");
        QuickStartCopy(b, csv, ws);
        // The application's upload path, after the migration: Ann's new talk, and the first file of a person added to the CSV since.
        File.AppendAllText(csv, "3,Cy Dee,\n");
        var keys = CopyRun.Pipe(_moto, """
            (Get-MigrationTargetKey -RowId 1 -Name Ann -FileName 'second talk.mp3').TargetKey
            (Get-MigrationTargetKey -RowId 3 -Name 'Cy Dee' -FileName 'intro.mp4').TargetKey
            """).Output.Select(o => o.ToString()).ToList();
        Assert.Equal(new[] { "audio/1_Ann_second_talk.mp3", "video/3_Cy_Dee_intro.mp4" }, keys);
        foreach (var k in keys) b.Put(k, "uploaded by the application");

        var results = Check(ws);
        foreach (var k in keys)
        {
            var upload = Assert.Single(results, r => r.TargetKey == k);
            Assert.Equal(IntegrityStatus.NewUpload, upload.Status);
            Assert.Contains("follows the naming rule", upload.Reason);
        }
        Assert.Equal("1", Assert.Single(results, r => r.TargetKey == keys[0]).RowId);
        var (exit, report) = RunDaily(ws);
        Assert.Equal(0, exit);
        Assert.Contains($"Information: 2 new uploads that follow the naming rule: s3://{b.Name}/{keys[0]}, s3://{b.Name}/{keys[1]}", report);

        // Keys that follow no rule are still the alarm: a PDF in audio/, a name without the person, a person nobody knows.
        b.Put("audio/1_Ann_slides.pdf", "in the wrong type folder");
        b.Put("audio/new-upload.mp3", "no row id, no name");
        b.Put("audio/9_Stranger_x.mp3", "a row id of nobody");
        var alarms = Check(ws).Where(r => r.Status == IntegrityStatus.Unexpected).ToDictionary(r => r.TargetKey);
        Assert.Equal(3, alarms.Count);
        Assert.Contains("belongs in the type folder 'documents'", alarms["audio/1_Ann_slides.pdf"].Reason);
        Assert.Contains("{row_id}_{name}_", alarms["audio/new-upload.mp3"].Reason);
        Assert.Contains("row_id 9 is no person", alarms["audio/9_Stranger_x.mp3"].Reason);
        Assert.Equal(1, RunDaily(ws).Exit);
    }

    [Fact]
    public void After_the_cleanup_a_new_upload_into_an_old_person_folder_is_an_alarm_with_SkipSourceCheck()
    {
        using var dir = new TempDir();
        var (b, csv, ws) = Seeded(dir, "aftercleanup");
        QuickStartCopy(b, csv, ws);
        // The cleanup, simulated with the SDK: every migrated source is gone on purpose.
        foreach (var key in new[] { "1_Ann/talk.mp3", "1_Ann/cv.pdf", "2_Bo/clip.mp3", "2_Bo/thesis.pdf" })
            _s3.DeleteObjectAsync(b.Name, key).GetAwaiter().GetResult();
        Assert.Equal(0, RunDaily(ws, "-SkipSourceCheck").Exit);

        b.Put("1_Ann/late.mp3", "uploaded into the old layout after the cleanup");
        var late = Assert.Single(Check(ws, "-SkipSourceCheck"), r => r.SourceKey == "1_Ann/late.mp3");
        Assert.Equal(IntegrityStatus.Unexpected, late.Status);
        Assert.Contains("new upload in an old person folder", late.Reason);
        var (exit, report) = RunDaily(ws, "-SkipSourceCheck");
        Assert.Equal(1, exit);
        Assert.Contains("1 unexpected", report);
        Assert.Contains("Result: PROBLEMS FOUND", report);
    }
}
