using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// Review of the seams between the phases (issue 10), on moto, in orders an operator may use that the other tests do
/// not: the cleanup before and after the CSV update, a copy run again after the cleanup, the undo before the cleanup,
/// URLs spelled as the S3 console and browsers spell them. The bucket has odd keys: spaces, unicode, '+', '%' and
/// deep subfolders inside person folders.
/// </summary>
[Collection(S3Collection.Name)]
public class SeamReviewTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public SeamReviewTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private sealed record Migration(string Bucket, string BackupBucket, string Csv, string Ws);

    private static readonly string[] Sources = { "1_Ann Lee/my song.mp3", "1_Ann Lee/deep/sub/dir/talk+1.mp4", "1_Ann Lee/100%.pdf", "2_Zoë/café.mp3" };

    /// <summary>
    /// The Glacier backup, the inventory (which records the people CSV), the copy and, with <paramref name="update"/>, the
    /// CSV update. The CSV names every source in a usual form: Ann's audio virtual-hosted https, percent-encoded (or
    /// <paramref name="annAudio"/>'s URL for the bucket), her video path-style https with '+' encoded, her PDF s3:// raw
    /// with its '%', Zoë's audio the endpoint's path-style URL with its unicode percent-encoded.
    /// </summary>
    private Migration Migrate(TempDir dir, bool update, Func<string, string>? annAudio = null)
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName("seam"));
        var backup = new TestBucket(_s3, TestBucket.UniqueName("seam-bak"));
        foreach (var key in Sources) b.Put(key, "content of " + key);
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,s3_audio_url,s3_video_url,s3_document_url\n" +
                               $"1,Ann Lee,{annAudio?.Invoke(b.Name) ?? $"https://{b.Name}.s3.amazonaws.com/1_Ann%20Lee/my%20song.mp3"}," +
                               $"https://s3.eu-west-1.amazonaws.com/{b.Name}/1_Ann%20Lee/deep/sub/dir/talk%2B1.mp4,s3://{b.Name}/1_Ann Lee/100%.pdf\n" +
                               $"2,Zoë,{_moto.EndpointUrl}/{b.Name}/2_Zo%C3%AB/caf%C3%A9.mp3,,\n");
        var ws = dir.File("ws");
        var run = CopyRun.Pipe(_moto, """
            $c = @{ EndpointUrl = $endpoint }
            $null = Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backupBucket -StorageClass GLACIER -WorkspacePath $ws @c -ErrorAction Stop
            $null = Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws @c -ErrorAction Stop | Copy-PersonFiles -WorkspacePath $ws @c -ErrorAction Stop
            if ($update) { $null = Update-OutputCsv -Path $csv -WorkspacePath $ws -ErrorAction Stop }
            """, ("bucket", b.Name), ("backupBucket", backup.Name), ("csv", csv), ("ws", ws), ("update", update));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        return new Migration(b.Name, backup.Name, csv, ws);
    }

    private PipelineRun Remove(Migration m) =>
        CopyRun.Pipe(_moto, "Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $endpoint -Force -Confirm:$false", ("ws", m.Ws));

    private bool Exists(Migration m, string key) => CopyRun.Exists(_s3, m.Bucket, key);

    [Fact]
    public void Cleanup_keeps_a_source_whose_csv_url_spells_its_spaces_as_plus_as_the_s3_console_does()
    {
        // The S3 console's "Object URL" and browsers' form encoding write a space as '+', and S3 reads it so:
        // https://bucket.s3.us-east-1.amazonaws.com/1_Ann+Lee/my+song.mp3 serves the key "1_Ann Lee/my song.mp3".
        using var dir = new TempDir();
        var m = Migrate(dir, update: false, annAudio: b => $"https://{b}.s3.us-east-1.amazonaws.com/1_Ann+Lee/my+song.mp3");

        var before = Remove(m).Objects<RemovalResult>().ToDictionary(r => r.SourceKey);

        Assert.Equal(RemovalStatus.Kept, before["1_Ann Lee/my song.mp3"].Status);
        Assert.Contains("(line 2, s3_audio_url)", before["1_Ann Lee/my song.mp3"].Notes);
        Assert.True(Exists(m, "1_Ann Lee/my song.mp3"));

        // The update rewrites that URL too, and then the cleanup may delete the source.
        var update = PowerShellHost.Run("Update-OutputCsv -Path $csv -WorkspacePath $ws -ErrorAction Stop", new Dictionary<string, object?> { ["csv"] = m.Csv, ["ws"] = m.Ws });
        Assert.Null(update.Terminating);
        Assert.Contains($"https://{m.Bucket}.s3.us-east-1.amazonaws.com/audio/1_Ann_Lee_my_song.mp3", File.ReadAllText(m.Csv));
        var after = Remove(m).Objects<RemovalResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(RemovalStatus.Deleted, after["1_Ann Lee/my song.mp3"].Status);
    }

    [Fact]
    public void A_copy_run_again_after_the_cleanup_copies_nothing_back_and_reports_no_failure()
    {
        using var dir = new TempDir();
        var m = Migrate(dir, update: true);
        Assert.Equal(Sources.Length, Remove(m).Objects<RemovalResult>().Count(r => r.Status == RemovalStatus.Deleted));
        var journalBefore = CopyRun.Journal(m.Ws).Count;

        // The operator runs the same pipeline line again, with the plan the inventory saved before the cleanup.
        var plan = new List<System.Management.Automation.PSObject>();
        using (var reader = new CsvHelper.CsvReader(new StreamReader(Path.Combine(m.Ws, InventoryChecksumsWriter.FileName)), System.Globalization.CultureInfo.InvariantCulture))
        {
            reader.Read(); reader.ReadHeader();
            while (reader.Read())
            {
                var item = new System.Management.Automation.PSObject();
                foreach (var (property, column) in new[] { ("SourceKey", "key"), ("TargetKey", "target_key"), ("ETag", "etag"), ("Md5", "md5"), ("FileType", "file_type"),
                                                           ("RowId", "row_id"), ("PersonName", "person_name"), ("Status", "status"), ("Size", "size") })
                    item.Properties.Add(new System.Management.Automation.PSNoteProperty(property, reader.GetField(column)));
                item.Properties.Add(new System.Management.Automation.PSNoteProperty("SourceBucket", m.Bucket));
                item.Properties.Add(new System.Management.Automation.PSNoteProperty("TargetBucket", m.Bucket));
                plan.Add(item);
            }
        }
        Assert.Equal(Sources.Length, plan.Count);
        var again = CopyRun.Pipe(_moto, "$plan | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint", ("ws", m.Ws), ("plan", plan));

        Assert.Null(again.Terminating);
        Assert.Empty(again.Errors.Select(e => e.ToString()));
        var results = again.Objects<MigrationResult>().ToList();
        Assert.Equal(Sources.Length, results.Count);
        Assert.All(results, r => Assert.Equal(MigrationResultStatus.Skipped, r.Status));
        foreach (var key in Sources) Assert.False(Exists(m, key), key);
        // Nothing new in the journal: no failure row withdraws the verification of a file that is safely migrated.
        Assert.Equal(journalBefore, CopyRun.Journal(m.Ws).Count);
        var integrity = CopyRun.Pipe(_moto, "Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -SkipSourceCheck -Summary", ("ws", m.Ws));
        Assert.True(integrity.Objects<IntegritySummary>().Single().AllVerified);
    }

    [Fact]
    public void Undo_before_the_cleanup_keeps_every_copy_the_updated_csv_serves_until_the_csv_is_restored()
    {
        // The CSV was updated: the application now serves the new layout. An undo before the cleanup must not delete
        // the copies it serves (every URL would answer 404); restore the CSV first, then undo.
        using var dir = new TempDir();
        var m = Migrate(dir, update: true);
        string[] destinations = { "audio/1_Ann_Lee_my_song.mp3", "video/1_Ann_Lee_deep_sub_dir_talk_1.mp4", "documents/1_Ann_Lee_100_.pdf", "audio/2_Zoë_café.mp3" };

        var undo = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", m.Ws));

        Assert.Null(undo.Terminating);
        var results = undo.Objects<RollbackResult>().ToDictionary(r => r.TargetKey);
        foreach (var key in destinations)
        {
            Assert.True(Exists(m, key), key);
            Assert.Equal(RollbackStatus.Kept, results[key].Status);
            Assert.Contains("the people CSV still names it", results[key].Reason);
            Assert.Contains("Restore-OutputCsv", results[key].Reason);
        }
        Assert.Contains("(line 2, s3_audio_url)", results["audio/1_Ann_Lee_my_song.mp3"].Reason);

        // The order that works: the CSV back first, then the undo deletes every copy; the sources were never touched.
        var restore = PowerShellHost.Run("Restore-OutputCsv -WorkspacePath $ws -Confirm:$false", new Dictionary<string, object?> { ["ws"] = m.Ws });
        Assert.Null(restore.Terminating);
        var again = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", m.Ws)).Objects<RollbackResult>().ToList();
        Assert.All(again, r => Assert.Equal(RollbackStatus.Deleted, r.Status));
        foreach (var key in destinations) Assert.False(Exists(m, key), key);
        foreach (var key in Sources) Assert.True(Exists(m, key), key);
    }
}
