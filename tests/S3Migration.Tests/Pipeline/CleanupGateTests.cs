using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// The gates around the cleanup, as an operator meets them in the engine on moto (issue 10, items 1 and 2): the
/// cleanup keeps every source the people CSV still names; Undo-Migration never deletes a destination whose source is
/// gone; Restore-OutputCsv refuses, without -Force, to put back URLs of objects the cleanup deleted.
/// </summary>
[Collection(S3Collection.Name)]
public class CleanupGateTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public CleanupGateTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private sealed record Migration(TestBucket Bucket, string BackupBucket, string Csv, string Ws, byte[] OriginalCsv);

    /// <summary>
    /// The plan up to the cleanup, as an operator runs it: the Glacier backup, the inventory (which records the people
    /// CSV in the workspace), the copy and, with <paramref name="updateCsv"/>, the CSV update. The CSV names Ann's audio
    /// (s3://) and Bo's video (a path-style URL of the endpoint); Ann's PDF is in no cell.
    /// </summary>
    private Migration Migrate(TempDir dir, bool updateCsv, bool recordCsv = true)
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName("gate"));
        var backup = new TestBucket(_s3, TestBucket.UniqueName("gate-bak"));
        b.Put("1_Ann/a.mp3", "audio of ann"); b.Put("1_Ann/b.pdf", "a pdf of ann"); b.Put("2_Bo/c.mp4", "video of bo");
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,s3_audio_url,s3_video_url\n" +
                               $"1,Ann,s3://{b.Name}/1_Ann/a.mp3,\n" +
                               $"2,Bo,,{_moto.EndpointUrl}/{b.Name}/2_Bo/c.mp4\n");
        var original = File.ReadAllBytes(csv);
        var ws = dir.File("ws");
        var run = CopyRun.Pipe(_moto, """
            $c = @{ EndpointUrl = $endpoint }
            $null = Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backupBucket -StorageClass GLACIER -WorkspacePath $ws @c -ErrorAction Stop
            $inventory = if ($recordCsv) { Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws @c -ErrorAction Stop }
                         else { Get-MigrationInventory -Bucket $bucket -WorkspacePath $ws @c -ErrorAction Stop }
            $null = $inventory | Copy-PersonFiles -WorkspacePath $ws @c -ErrorAction Stop
            if ($update) { $null = Update-OutputCsv -Path $csv -WorkspacePath $ws -ErrorAction Stop }
            """, ("bucket", b.Name), ("backupBucket", backup.Name), ("csv", csv), ("ws", ws), ("update", updateCsv), ("recordCsv", recordCsv));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        return new Migration(b, backup.Name, csv, ws, original);
    }

    private PipelineRun Remove(Migration m, string extra = "") =>
        CopyRun.Pipe(_moto, $"Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $endpoint -Force -Confirm:$false {extra}", ("ws", m.Ws), ("csv", m.Csv));

    private bool Exists(Migration m, string key) => CopyRun.Exists(_s3, m.Bucket.Name, key);

    private static readonly string[] Sources = { "1_Ann/a.mp3", "1_Ann/b.pdf", "2_Bo/c.mp4" };
    private static readonly string[] Destinations = { "audio/1_Ann_a.mp3", "documents/1_Ann_b.pdf", "video/2_Bo_c.mp4" };

    [Fact]
    public void Cleanup_keeps_every_source_the_people_csv_still_names_and_says_where()
    {
        using var dir = new TempDir();
        var m = Migrate(dir, updateCsv: false);

        var run = Remove(m);

        Assert.Null(run.Terminating);
        var results = run.Objects<RemovalResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(RemovalStatus.Kept, results["1_Ann/a.mp3"].Status);
        Assert.Equal("the people CSV still names it (line 2, s3_audio_url); run Update-OutputCsv first", results["1_Ann/a.mp3"].Notes);
        Assert.Equal(RemovalStatus.Kept, results["2_Bo/c.mp4"].Status);
        Assert.Contains("(line 3, s3_video_url)", results["2_Bo/c.mp4"].Notes);
        Assert.True(Exists(m, "1_Ann/a.mp3"));
        Assert.True(Exists(m, "2_Bo/c.mp4"));
        // The PDF is in no cell of the CSV: nothing the application serves points at it.
        Assert.Equal(RemovalStatus.Deleted, results["1_Ann/b.pdf"].Status);
        Assert.False(Exists(m, "1_Ann/b.pdf"));
        Assert.Contains(run.Warnings, w => w.Contains("1_Ann/a.mp3") && w.Contains("Update-OutputCsv"));

        // The plan's order: update the CSV, then the cleanup deletes the rest.
        var update = PowerShellHost.Run("Update-OutputCsv -Path $csv -WorkspacePath $ws -ErrorAction Stop", new Dictionary<string, object?> { ["csv"] = m.Csv, ["ws"] = m.Ws });
        Assert.Null(update.Terminating);
        var after = Remove(m).Objects<RemovalResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(RemovalStatus.Deleted, after["1_Ann/a.mp3"].Status);
        Assert.Equal(RemovalStatus.Deleted, after["2_Bo/c.mp4"].Status);
        foreach (var key in Sources) Assert.False(Exists(m, key));
        foreach (var key in Destinations) Assert.True(Exists(m, key));
    }

    [Fact]
    public void A_url_in_a_column_the_update_does_not_rewrite_still_keeps_its_source()
    {
        using var dir = new TempDir();
        var m = Migrate(dir, updateCsv: true);
        // The application keeps a second link to Ann's audio in a column of its own, with two URLs in one cell.
        var text = File.ReadAllText(m.Csv).Split('\n');
        text[0] += ",extra_links";
        text[1] += $",https://example.org/x.mp3;s3://{m.Bucket.Name}/1_Ann/a.mp3";
        text[2] += ",";
        File.WriteAllText(m.Csv, string.Join('\n', text));

        var results = Remove(m).Objects<RemovalResult>().ToDictionary(r => r.SourceKey);

        Assert.Equal(RemovalStatus.Kept, results["1_Ann/a.mp3"].Status);
        Assert.Contains("(line 2, extra_links)", results["1_Ann/a.mp3"].Notes);
        Assert.True(Exists(m, "1_Ann/a.mp3"));
        Assert.Equal(RemovalStatus.Deleted, results["2_Bo/c.mp4"].Status);
    }

    [Fact]
    public void Without_a_known_people_csv_the_cleanup_stops_unless_given_one_or_told_to_skip_the_check()
    {
        using var dir = new TempDir();
        var m = Migrate(dir, updateCsv: false, recordCsv: false);

        var unknown = Remove(m);
        Assert.StartsWith("PeopleCsvUnknown", unknown.StoppingError?.FullyQualifiedErrorId);
        Assert.Contains("-CsvPath", unknown.StoppingError!.Exception.Message);
        Assert.Contains("-SkipCsvCheck", unknown.StoppingError.Exception.Message);
        foreach (var key in Sources) Assert.True(Exists(m, key));

        // A mistyped -CsvPath is refused and never recorded; another CSV than the one the workspace serves is refused once one is recorded.
        var typo = CopyRun.Pipe(_moto, "Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $endpoint -Force -Confirm:$false -CsvPath ./no-such.csv", ("ws", m.Ws));
        Assert.StartsWith("CsvNotFound", typo.StoppingError?.FullyQualifiedErrorId);
        Assert.Null(MigrationState.Load(m.Ws).CsvPath);
        var given = Remove(m, "-CsvPath $csv").Objects<RemovalResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(RemovalStatus.Kept, given["1_Ann/a.mp3"].Status);
        Assert.Equal(m.Csv, MigrationState.Load(m.Ws).CsvPath);
        var other = dir.File("other.csv");
        File.WriteAllText(other, "row_id,name\n");
        var wrong = CopyRun.Pipe(_moto, "Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $endpoint -Force -Confirm:$false -CsvPath $other", ("ws", m.Ws), ("other", other));
        Assert.StartsWith("WorkspaceServesOtherCsv", wrong.StoppingError?.FullyQualifiedErrorId);

        var skipped = Remove(m, "-SkipCsvCheck");
        Assert.Null(skipped.Terminating);
        Assert.Contains(skipped.Warnings, w => w.Contains("-SkipCsvCheck"));
        foreach (var key in Sources) Assert.False(Exists(m, key));
    }

    [Fact]
    public void Undo_after_the_cleanup_keeps_every_destination_and_says_how_to_put_the_old_layout_back()
    {
        using var dir = new TempDir();
        var m = Migrate(dir, updateCsv: true);
        var removed = Remove(m);
        Assert.Equal(3, removed.Objects<RemovalResult>().Count(r => r.Status == RemovalStatus.Deleted));

        var undo = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", m.Ws));

        Assert.Null(undo.Terminating);
        var results = undo.Objects<RollbackResult>().ToDictionary(r => r.TargetKey);
        Assert.Equal(Destinations, results.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var key in Destinations)
        {
            Assert.True(Exists(m, key), key);
            Assert.Equal(RollbackStatus.Kept, results[key].Status);
            Assert.Contains("only live copy", results[key].Reason);
        }
        var a = results["audio/1_Ann_a.mp3"].Reason;
        Assert.Contains($"aws s3 cp \"s3://{m.Bucket.Name}/audio/1_Ann_a.mp3\" \"s3://{m.Bucket.Name}/1_Ann/a.mp3\"", a);
        Assert.Contains($"s3://{m.BackupBucket}/1_Ann/a.mp3", a);
        Assert.Contains("RESTORE.md", a);
        Assert.Contains(undo.Warnings, w => w.Contains("audio/1_Ann_a.mp3") && w.Contains("only live copy"));
    }

    [Fact]
    public void Undo_keeps_the_destination_of_a_source_deleted_outside_the_module_and_undoes_the_rest()
    {
        using var dir = new TempDir();
        var m = Migrate(dir, updateCsv: false);
        _s3.DeleteObjectAsync(m.Bucket.Name, "2_Bo/c.mp4").GetAwaiter().GetResult(); // by hand: no deletion_log.csv knows it

        var undo = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", m.Ws));

        var results = undo.Objects<RollbackResult>().ToDictionary(r => r.TargetKey);
        Assert.Equal(RollbackStatus.Kept, results["video/2_Bo_c.mp4"].Status);
        Assert.Contains("only live copy", results["video/2_Bo_c.mp4"].Reason);
        Assert.True(Exists(m, "video/2_Bo_c.mp4"));
        Assert.Equal(RollbackStatus.Deleted, results["audio/1_Ann_a.mp3"].Status);
        Assert.Equal(RollbackStatus.Deleted, results["documents/1_Ann_b.pdf"].Status);
        Assert.False(Exists(m, "audio/1_Ann_a.mp3"));
    }

    [Fact]
    public void Restore_after_the_cleanup_is_refused_naming_the_urls_that_would_break_unless_forced()
    {
        using var dir = new TempDir();
        var m = Migrate(dir, updateCsv: true);
        Assert.Equal(3, Remove(m).Objects<RemovalResult>().Count(r => r.Status == RemovalStatus.Deleted));
        var updated = File.ReadAllBytes(m.Csv);

        var refused = PowerShellHost.Run("Restore-OutputCsv -WorkspacePath $ws -Confirm:$false", new Dictionary<string, object?> { ["ws"] = m.Ws });

        Assert.StartsWith("RestoreWouldBreakUrls", refused.StoppingError?.FullyQualifiedErrorId);
        var message = refused.StoppingError!.Exception.Message;
        Assert.Contains("2 URLs", message);
        Assert.Contains($"line 2, s3_audio_url: s3://{m.Bucket.Name}/1_Ann/a.mp3", message);
        Assert.Contains($"line 3, s3_video_url: {_moto.EndpointUrl}/{m.Bucket.Name}/2_Bo/c.mp4", message);
        Assert.Contains("-Force", message);
        Assert.True(updated.SequenceEqual(File.ReadAllBytes(m.Csv)));

        var forced = PowerShellHost.Run("Restore-OutputCsv -WorkspacePath $ws -Force -Confirm:$false", new Dictionary<string, object?> { ["ws"] = m.Ws });
        Assert.Null(forced.Terminating);
        var result = Assert.Single(forced.Objects<CsvRestoreResult>());
        Assert.Equal(CsvRestoreStatus.Restored, result.Status);
        Assert.Equal(2, result.UrlsOfDeletedObjects.Count);
        Assert.Contains(forced.Warnings, w => w.Contains("1_Ann/a.mp3") && w.Contains("404"));
        Assert.True(m.OriginalCsv.SequenceEqual(File.ReadAllBytes(m.Csv)));
    }

    [Fact]
    public void Restore_before_any_cleanup_is_not_refused()
    {
        using var dir = new TempDir();
        var m = Migrate(dir, updateCsv: true);
        var restore = PowerShellHost.Run("Restore-OutputCsv -WorkspacePath $ws -Confirm:$false", new Dictionary<string, object?> { ["ws"] = m.Ws });
        Assert.Null(restore.Terminating);
        Assert.Empty(restore.Warnings);
        Assert.True(m.OriginalCsv.SequenceEqual(File.ReadAllBytes(m.Csv)));
    }

    [Fact]
    public void Backup_OutputCsv_records_the_people_csv_the_workspace_serves()
    {
        using var dir = new TempDir();
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,s3_audio_url\n1,Ann,\n");
        var ws = dir.File("ws");
        var run = PowerShellHost.Run("Backup-OutputCsv -Path $csv -WorkspacePath $ws", new Dictionary<string, object?> { ["csv"] = csv, ["ws"] = ws });
        Assert.Null(run.Terminating);
        Assert.Equal(csv, MigrationState.Load(ws).CsvPath);

        var other = dir.File("other.csv");
        File.WriteAllText(other, "row_id,name\n");
        var refused = PowerShellHost.Run("Backup-OutputCsv -Path $csv -WorkspacePath $ws", new Dictionary<string, object?> { ["csv"] = other, ["ws"] = ws });
        Assert.StartsWith("WorkspaceServesOtherCsv", refused.StoppingError?.FullyQualifiedErrorId);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "backups")) && Directory.GetFiles(Path.Combine(dir.Path, "backups"), "other_*").Length > 0);
    }
}
