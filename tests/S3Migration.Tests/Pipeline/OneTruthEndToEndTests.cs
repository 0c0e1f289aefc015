using System.Management.Automation;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// Issue 10 end to end, in the order of the seed plan, in the engine against moto: backups, the design card's four-cmdlet
/// pipeline (with a filter), tampering during the watch, the cleanup, and then everything an operator might do after it:
/// the watch, the final report, Undo-Migration and Restore-OutputCsv. No phase may undo, delete or declare closed what
/// another still needs: at the end every file's content is still live somewhere, and nothing is called done that is not.
/// </summary>
[Collection(S3Collection.Name)]
public class OneTruthEndToEndTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public OneTruthEndToEndTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private static readonly string Daily = Path.Combine(RepoPaths.Root, "scripts", "Invoke-DailyIntegrityCheck.ps1");

    private static readonly Dictionary<string, string> Files = new()
    {
        ["1_Ann/talk.mp3"] = "ann's talk",
        ["1_Ann/cv.pdf"] = "ann's cv",
        ["1_Ann/notes.xyz"] = "ann's notes, of no known type",
        ["2_Bo/clip.mp4"] = "bo's clip",
        ["2_Bo/clip.vtt"] = "bo's transcript",
        ["3_Cy/song.mp3"] = "cy's song",
        ["9_Nobody/x.mp3"] = "a person folder with no CSV row",
        ["readme.txt"] = "an object outside any person folder",
    };

    [Fact]
    public void The_plan_end_to_end_with_tampering_then_undo_restore_watch_and_final_report_after_the_cleanup_loses_nothing()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("truth"));
        var backup = new TestBucket(_s3, TestBucket.UniqueName("truth-bak"));
        foreach (var f in Files) b.Put(f.Key, f.Value, contentType: f.Key.EndsWith(".mp3") ? "audio/mpeg" : "application/octet-stream");
        var csv = dir.File("output.csv");
        var originalCsv = "row_id,name,s3_audio_url,s3_video_url,s3_transcript_url\n" +
                          $"1,Ann,s3://{b.Name}/1_Ann/talk.mp3,,\n" +
                          $"2,Bo,,s3://{b.Name}/2_Bo/clip.mp4,s3://{b.Name}/2_Bo/clip.vtt\n" +
                          $"3,Cy,s3://{b.Name}/3_Cy/song.mp3,,\n";
        File.WriteAllText(csv, originalCsv);
        var ws = dir.File("ws");
        PipelineRun Run(string script) => CopyRun.Pipe(_moto, "$c = @{ EndpointUrl = $endpoint }\n" + script,
            ("bucket", b.Name), ("backupBucket", backup.Name), ("csv", csv), ("ws", ws), ("daily", Daily));

        // Phase 1: the Glacier backup of the old structure, and the CSV backup; the workspace learns which CSV it serves.
        var prepare = Run("""
            $null = Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backupBucket -StorageClass GLACIER -WorkspacePath $ws @c -ErrorAction Stop
            $null = Backup-OutputCsv -Path $csv -WorkspacePath $ws -ErrorAction Stop
            """);
        Assert.Null(prepare.Terminating);

        // Phases 2-3: the design card's pipeline, literally, with the quick start's filter.
        var pipeline = Run("""
            Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws @c |
                Where-Object FileType -ne '_unknown' |
                Copy-PersonFiles -WorkspacePath $ws @c |
                Test-MigrationIntegrity @c |
                Update-OutputCsv -Path $csv
            """);
        Assert.Null(pipeline.Terminating);
        Assert.Empty(pipeline.Errors);
        var comparison = Assert.Single(pipeline.Objects<CsvUpdateComparison>());
        Assert.Equal(4, comparison.Rewritten);
        var updatedCsv = File.ReadAllText(csv);
        Assert.Contains($"s3://{b.Name}/audio/3_Cy_song.mp3", updatedCsv);
        Assert.DoesNotContain("1_Ann/talk.mp3", updatedCsv);

        // During the 30 days: an application bug rewrites the user metadata of Cy's copy; the bytes (and the ETag) stay.
        // Later than the copy, as in life: the daily check sees it in the listing's LastModified (to the second), and HEADs it.
        var wait = CopyRun.Journal(ws).Max(r => r.Timestamp).ToUniversalTime().AddSeconds(1.2) - DateTime.UtcNow;
        if (wait > TimeSpan.Zero) Thread.Sleep(wait);
        var cyCopy = new CopyObjectRequest
        {
            SourceBucket = b.Name, SourceKey = "audio/3_Cy_song.mp3", DestinationBucket = b.Name, DestinationKey = "audio/3_Cy_song.mp3",
            MetadataDirective = S3MetadataDirective.REPLACE, ContentType = "audio/mpeg", TaggingDirective = TaggingDirective.COPY,
        };
        cyCopy.Metadata.Add("rewritten-by", "a bug");
        _s3.CopyObjectAsync(cyCopy).GetAwaiter().GetResult();

        var watch = Run("& $daily -WorkspacePath $ws @c | Out-Null; $LASTEXITCODE");
        Assert.Equal(1, (int)watch.Output.Last().BaseObject); // the rewritten metadata is an alarm

        // Phase 5: the cleanup, after the grace period (forced here). Cy's source stays: its copy is no longer verified.
        var cleanup = Run("Remove-MigrationSource -WorkspacePath $ws -Force -Confirm:$false @c -WarningAction SilentlyContinue");
        Assert.Null(cleanup.Terminating);
        var removed = cleanup.Objects<RemovalResult>().ToDictionary(r => r.SourceKey);
        foreach (var key in new[] { "1_Ann/talk.mp3", "1_Ann/cv.pdf", "2_Bo/clip.mp4", "2_Bo/clip.vtt" })
            Assert.Equal(RemovalStatus.Deleted, removed[key].Status);
        Assert.Equal(RemovalStatus.Kept, removed["3_Cy/song.mp3"].Status);
        Assert.Contains("not identical", removed["3_Cy/song.mp3"].Notes);
        Assert.False(removed.ContainsKey("1_Ann/notes.xyz") && removed["1_Ann/notes.xyz"].Status == RemovalStatus.Deleted);
        // The deletion log says exactly what is gone.
        var logged = S3Migration.Workspace.DeletionJournal.Outcomes(ws).Where(o => o.Value.IsGone).Select(o => o.Key).OrderBy(k => k, StringComparer.Ordinal);
        Assert.Equal(new[] { "1_Ann/cv.pdf", "1_Ann/talk.mp3", "2_Bo/clip.mp4", "2_Bo/clip.vtt" }.Select(k => $"s3://{b.Name}/{k}"), logged);

        // After the cleanup: the watch still raises the alarm, and sees an upload into the old layout.
        b.Put("2_Bo/late upload.mp3", "uploaded to the old layout after the cleanup");
        var after = Run("Test-MigrationIntegrity -WorkspacePath $ws -SkipSourceCheck @c -WarningAction SilentlyContinue");
        var afterResults = after.Objects<IntegrityResult>();
        Assert.Equal(IntegrityStatus.Excluded, afterResults.Single(r => r.SourceKey == "1_Ann/notes.xyz").Status);
        Assert.Equal(IntegrityStatus.Mismatch, afterResults.Single(r => r.TargetKey == "audio/3_Cy_song.mp3").Status);
        Assert.Equal(IntegrityStatus.Unexpected, afterResults.Single(r => r.SourceKey == "2_Bo/late upload.mp3").Status);

        // The final report: not closed, and every leftover of the old layout named with its reason.
        var final = Run("New-MigrationFinalReport -WorkspacePath $ws");
        Assert.Null(final.Terminating);
        var report = (FinalReport)final.Output.Single().BaseObject;
        Assert.NotEqual("Closed", report.Status.ToString());
        var leftovers = report.Leftovers.Select(l => l.Path).ToList();
        foreach (var key in new[] { "3_Cy/song.mp3", "9_Nobody/x.mp3", "readme.txt", "1_Ann/notes.xyz" })
            Assert.Contains($"s3://{b.Name}/{key}", leftovers);
        Assert.DoesNotContain("every file verified", File.ReadAllText(Path.Combine(ws, FinalReport.FileName)));

        // Undo after the cleanup keeps every destination whose source is gone, and says how to put the old layout back.
        var undo = Run("Undo-Migration -WorkspacePath $ws -Confirm:$false @c -WarningAction SilentlyContinue");
        Assert.Null(undo.Terminating);
        Assert.DoesNotContain(undo.Objects<RollbackResult>(), r => r.Status == RollbackStatus.Deleted);
        var onlyCopy = undo.Objects<RollbackResult>().Single(r => r.TargetKey == "audio/1_Ann_talk.mp3");
        Assert.Equal(RollbackStatus.Kept, onlyCopy.Status);
        Assert.Contains("only live copy", onlyCopy.Reason);

        // A CSV restore would point the application at deleted objects: refused without -Force, and named.
        var restore = Run("Restore-OutputCsv -WorkspacePath $ws -Confirm:$false");
        var refused = Assert.IsType<ErrorRecord>(restore.StoppingError);
        Assert.StartsWith("RestoreWouldBreakUrls", refused.FullyQualifiedErrorId);
        Assert.Contains("1_Ann/talk.mp3", refused.Exception.Message);
        Assert.Equal(updatedCsv, File.ReadAllText(csv));
        var forced = Run("Restore-OutputCsv -WorkspacePath $ws -Force -Confirm:$false -WarningAction SilentlyContinue");
        Assert.Null(forced.Terminating);
        Assert.Equal(originalCsv, File.ReadAllText(csv));

        // Nothing lost: every file's bytes are live in the old or the new layout, and the backup holds every source.
        var live = CopyRun.Keys(_s3, b.Name).ToDictionary(k => k, k => System.Text.Encoding.UTF8.GetString(CopyRun.Body(_s3, b.Name, k)));
        foreach (var f in Files)
            Assert.True(live.Values.Contains(f.Value), $"{f.Key}: its content is no longer live anywhere");
        foreach (var f in Files) Assert.True(CopyRun.Exists(_s3, backup.Name, f.Key), $"{f.Key} is not in the backup");
    }
}
