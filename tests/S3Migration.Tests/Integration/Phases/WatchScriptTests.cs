using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>The scheduled-task scripts of the 30-day watch: deep check, CSV URLs, dated reports that never replace the migration's own, exit code.</summary>
[Collection(S3Collection.Name)]
public class WatchScriptTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public WatchScriptTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    [Fact]
    public void The_weekly_check_requests_every_CSV_URL_and_exits_1_naming_the_person_whose_file_is_gone()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("weekly"));
        b.Put("1_Ann/a.mp3", "ann audio"); b.Put("1_Ann/c.mp4", "ann video"); b.Put("2_Bo/t.vtt", "bo transcript");
        var ws = dir.File("ws");
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,s3_audio_url,s3_video_url,s3_transcript_url\n" +
                               $"1,Ann,s3://{b.Name}/1_Ann/a.mp3,s3://{b.Name}/1_Ann/c.mp4,\n" +
                               $"2,Bo,,,s3://{b.Name}/2_Bo/t.vtt\n");
        var setup = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -CsvPath $csv | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop | Out-Null
            Update-OutputCsv -Path $csv -WorkspacePath $ws | Out-Null
            """, ("bucket", b.Name), ("ws", ws), ("csv", csv));
        Assert.Null(setup.Terminating);
        Assert.Empty(setup.Errors);

        var script = Path.Combine(RepoPaths.Root, "scripts", "Invoke-WeeklyIntegrityCheck.ps1");
        int Weekly() => (int)CopyRun.Pipe(_moto, "& $script -WorkspacePath $ws -CsvPath $csv -EndpointUrl $endpoint; $LASTEXITCODE",
            ("script", script), ("ws", ws), ("csv", csv)).Output.Last().BaseObject;
        string LatestReport() => File.ReadAllText(Directory.GetFiles(Path.Combine(ws, "reports"), "weekly_*.txt").OrderBy(File.GetLastWriteTimeUtc).Last());

        Assert.Equal(0, Weekly());
        var clean = LatestReport();
        Assert.Contains("(deep: contents hashed)", clean);
        Assert.Contains("CSV URLs: 3 checked, 0 not answering 200.", clean);
        Assert.Contains("Day 1 of the 30-day watch", clean);
        Assert.Contains("Result: OK", clean);

        _s3.DeleteObjectAsync(b.Name, "transcripts/2_Bo_t.vtt").GetAwaiter().GetResult();
        Assert.Equal(1, Weekly());
        var broken = LatestReport();
        Assert.Contains("CSV URLs: 3 checked, 1 not answering 200.", broken);
        Assert.Contains("404 NotFound", broken);
        Assert.Contains("(row 2 Bo)", broken);
        Assert.Contains("Result: PROBLEMS FOUND", broken);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(ws, "reports"), "weekly_*_verification.csv").Length);
    }

    [Fact]
    public void A_watch_run_writes_dated_reports_and_never_the_migrations_own_verification_report_or_rollback_plan()
    {
        // Issue 10, item 9: every watch run overwrote verification_report.csv, so the phase-2 report was lost.
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("watchown"));
        b.Put("1_Ann/a.mp3", "ann audio"); b.Put("1_Ann/b.pdf", "ann cv");
        var ws = dir.File("ws");
        var setup = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop |
                Test-MigrationIntegrity -EndpointUrl $endpoint -ErrorAction Stop | Out-Null
            """, ("bucket", b.Name), ("ws", ws));
        Assert.Null(setup.Terminating);
        Assert.Empty(setup.Errors);
        string Own(string name) => Path.Combine(ws, name);
        var phase2 = File.ReadAllBytes(Own("verification_report.csv"));
        var plan = File.ReadAllBytes(Own("rollback_plan.json"));
        var combined = File.ReadAllBytes(Own("verification_combined.txt"));
        Assert.Contains("Verified,", System.Text.Encoding.UTF8.GetString(phase2));

        _s3.DeleteObjectAsync(b.Name, "documents/1_Ann_b.pdf").GetAwaiter().GetResult();
        var script = Path.Combine(RepoPaths.Root, "scripts", "Invoke-DailyIntegrityCheck.ps1");
        int Daily() => (int)CopyRun.Pipe(_moto, "& $script -WorkspacePath $ws -EndpointUrl $endpoint; $LASTEXITCODE", ("script", script), ("ws", ws)).Output.Last().BaseObject;
        Assert.Equal(1, Daily());
        Assert.Equal(1, Daily());   // the same second, or the next: a second report, not a replaced one

        Assert.Equal(phase2, File.ReadAllBytes(Own("verification_report.csv")));
        Assert.Equal(plan, File.ReadAllBytes(Own("rollback_plan.json")));
        Assert.Equal(combined, File.ReadAllBytes(Own("verification_combined.txt")));
        var dated = Directory.GetFiles(Path.Combine(ws, "reports"), "daily_*_verification.csv").OrderBy(f => f, StringComparer.Ordinal).ToList();
        Assert.Equal(2, dated.Count);
        Assert.All(dated, f => Assert.Matches(@"daily_\d{8}_\d{6}(_\d+)?_verification\.csv$", f));
        Assert.All(dated, f => Assert.Contains($"Missing,s3://{b.Name}/1_Ann/b.pdf,", File.ReadAllText(f)));
        var texts = Directory.GetFiles(Path.Combine(ws, "reports"), "daily_*.txt").Select(File.ReadAllText).ToList();
        Assert.Equal(2, texts.Count);
        Assert.All(texts, t => Assert.Contains("_verification.csv", t));

        // Test-MigrationIntegrity -ReportPath, which the scripts use, never overwrites a report either.
        var taken = CopyRun.Pipe(_moto, "Test-MigrationIntegrity -WorkspacePath $ws -ReportPath $report -EndpointUrl $endpoint -Summary",
            ("ws", ws), ("report", dated[0]));
        Assert.StartsWith("ReportExists", taken.StoppingError?.FullyQualifiedErrorId);
        Assert.Contains($"Missing,s3://{b.Name}/1_Ann/b.pdf,", File.ReadAllText(dated[0]));

        // The final report judges by the newest of them.
        Assert.Equal(Path.GetRelativePath(ws, dated.OrderBy(File.GetLastWriteTimeUtc).Last()).Replace('\\', '/'),
            S3Migration.Reports.ClosureFactsReader.ReadNewestIntegrity(ws)!.Report);
    }
}
