using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// The whole plan in one run of the cmdlets, in the engine, against moto: backup to Glacier, inventory, copy,
/// integrity, CSV update, certificate, cleanup after the grace period (forced), archive and final report.
/// </summary>
[Collection(S3Collection.Name)]
public class EndToEndTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public EndToEndTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    [Fact]
    public void The_full_plan_runs_from_backup_to_final_report_and_the_old_layout_is_gone()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("e2e"));
        var backup = new TestBucket(_s3, TestBucket.UniqueName("e2e-bak"));
        b.Put("1_Ann/talk.mp3", "ann audio", contentType: "audio/mpeg");
        b.Put("1_Ann/cv.pdf", "ann cv");
        b.Put("2_Bo/clip.mp4", "bo video");
        b.Put("2_Bo/clip.vtt", "bo transcript");
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,s3_audio_url,s3_video_url,s3_transcript_url\n" +
                               $"1,Ann,s3://{b.Name}/1_Ann/talk.mp3,,\n" +
                               $"2,Bo,,s3://{b.Name}/2_Bo/clip.mp4,s3://{b.Name}/2_Bo/clip.vtt\n");
        var ws = dir.File("ws");

        var run = CopyRun.Pipe(_moto, """
            $c = @{ EndpointUrl = $endpoint }
            $backups = @(Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backupBucket -StorageClass GLACIER -WorkspacePath $ws @c -ErrorAction Stop)
            $copies = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws @c -ErrorAction Stop | Copy-PersonFiles -WorkspacePath $ws @c -ErrorAction Stop)
            $check = Test-MigrationIntegrity -WorkspacePath $ws -CsvPath $csv -Summary @c -ErrorAction Stop
            $null = Update-OutputCsv -Path $csv -WorkspacePath $ws -ErrorAction Stop
            $certificate = New-MigrationCertificate -WorkspacePath $ws -ErrorAction Stop
            $removed = @(Remove-MigrationSource -WorkspacePath $ws -Force -Confirm:$false @c -ErrorAction Stop)
            $after = Test-MigrationIntegrity -WorkspacePath $ws -SkipSourceCheck -Summary @c -ErrorAction Stop
            $archive = Compress-MigrationWorkspace -WorkspacePath $ws -UploadBucket $backupBucket @c -ErrorAction Stop
            $final = New-MigrationFinalReport -WorkspacePath $ws -ErrorAction Stop
            'backups=' + @($backups | Where-Object Status -eq 'Verified').Count
            'copies=' + @($copies | Where-Object Status -eq 'Verified').Count
            'check=' + $check.AllVerified
            'certified=' + $certificate.FilesMigrated
            'deleted=' + @($removed | Where-Object Status -eq 'Deleted').Count
            'after=' + $after.AllVerified
            'archive=' + $archive.Status
            'final=' + $final.Status
            """, ("bucket", b.Name), ("backupBucket", backup.Name), ("csv", csv), ("ws", ws));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        Assert.Equal(new[] { "backups=4", "copies=4", "check=True", "certified=4", "deleted=4", "after=True", "archive=Verified", "final=Closed" },
            run.Output.Select(o => o.ToString()));

        // The old layout is gone, the new one and the backup are whole, and the CSV points at the new keys.
        var left = _s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = b.Name }).GetAwaiter().GetResult().S3Objects?.Select(o => o.Key).ToList() ?? new();
        Assert.Equal(new[] { "audio/1_Ann_talk.mp3", "documents/1_Ann_cv.pdf", "transcripts/2_Bo_clip.vtt", "video/2_Bo_clip.mp4" }, left.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal("GLACIER", CopyRun.Head(_s3, backup.Name, "1_Ann/talk.mp3").StorageClass?.Value);
        Assert.Contains($"s3://{b.Name}/audio/1_Ann_talk.mp3", File.ReadAllText(csv));
        Assert.All(BackupManifest.Read(ws)!, e => Assert.True(e.IsVerified, e.SourceKey));

        var report = File.ReadAllText(Path.Combine(ws, "final_report.md"));
        Assert.Contains("Lessons learned", report);
        Assert.Contains("GLACIER", report);
        foreach (var name in new[] { "RESTORE.md", "backup_manifest.csv", "deletion_log.csv", "deletion_summary.json", "migration_certificate.md", "verification_report.csv" })
            Assert.True(File.Exists(Path.Combine(ws, name)), name);
    }
}
