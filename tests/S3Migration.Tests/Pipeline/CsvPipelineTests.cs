using System.Management.Automation;
using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// The CSV phase as an operator runs it in the engine, on a real migration (inventory | copy on moto): backup, update,
/// -WhatIf, validation errors, restore, and bad input that must leave the CSV untouched.
/// </summary>
[Collection(S3Collection.Name)]
public class CsvPipelineTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public CsvPipelineTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    /// <summary>Two people migrated for real; the CSV names their files with s3:// and path-style URLs of this endpoint.</summary>
    private (TestBucket Bucket, string Csv, string Ws) Migrated(TempDir dir)
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName("csvpipe"));
        b.Put("1_Ann/a.mp3", "ann audio"); b.Put("1_Ann/b.pdf", "ann doc"); b.Put("1_Ann/c.mp4", "ann video");
        b.Put("2_Bo Ek/talk one.mp3", "bo audio"); b.Put("2_Bo Ek/t.vtt", "bo transcript");
        var ws = dir.File("ws");
        var copy = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop",
            ("bucket", b.Name), ("ws", ws));
        Assert.Null(copy.Terminating);
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,s3_audio_url,s3_video_url,s3_transcript_url\r\n" +
                               $"1,Ann,s3://{b.Name}/1_Ann/a.mp3,s3://{b.Name}/1_Ann/c.mp4,\r\n" +
                               $"2,\"Bo Ek\",{_moto.EndpointUrl}/{b.Name}/2_Bo%20Ek/talk%20one.mp3,,{_moto.EndpointUrl}/{b.Name}/2_Bo%20Ek/t.vtt\r\n");
        return (b, csv, ws);
    }

    [Fact]
    public void Copy_results_pipe_into_Update_OutputCsv_which_backs_up_rewrites_and_reports()
    {
        using var dir = new TempDir();
        var (b, csv, ws) = Migrated(dir);
        var original = File.ReadAllBytes(csv);
        var run = PowerShellHost.Run("""
            $changes = @(Update-OutputCsv -Path $csv -WorkspacePath $ws)
            $changes | Where-Object { $_ -is [S3Migration.PeopleCsv.CsvUrlChange] }
            $changes | Where-Object { $_ -is [S3Migration.PeopleCsv.CsvUpdateComparison] }
            """, new Dictionary<string, object?> { ["csv"] = csv, ["ws"] = ws });
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var changes = run.Objects<CsvUrlChange>().ToList();
        Assert.Equal(4, changes.Count(c => c.Action == CsvChangeAction.Rewritten));
        Assert.Contains(changes, c => c.RowId == "2" && c.Column == "s3_audio_url" && c.NewUrl == $"{_moto.EndpointUrl}/{b.Name}/audio/2_Bo_Ek_talk_one.mp3");
        Assert.Contains(changes, c => c.RowId == "1" && c.Column == "s3_document_url" && c.Action == CsvChangeAction.Filled && c.NewUrl == $"s3://{b.Name}/documents/1_Ann_b.pdf");
        var cmp = Assert.Single(run.Objects<CsvUpdateComparison>());
        Assert.True(cmp.Replaced);
        Assert.Equal(2, cmp.PeopleCompleted);

        var text = File.ReadAllText(csv);
        Assert.StartsWith("row_id,name,s3_audio_url,s3_video_url,s3_transcript_url,s3_document_url,audio_file_count,", text);
        Assert.Contains($"1,Ann,s3://{b.Name}/audio/1_Ann_a.mp3,s3://{b.Name}/video/1_Ann_c.mp4,,s3://{b.Name}/documents/1_Ann_b.pdf,1,1,0,1,0,true\r\n", text);
        Assert.True(original.SequenceEqual(File.ReadAllBytes(cmp.BackupPath!)));
        Assert.True(File.Exists(Path.Combine(ws, CsvUpdateLog.FileName)));

        // Nothing left to do: a second run changes nothing and says so.
        var before = File.ReadAllBytes(csv);
        var again = PowerShellHost.Run("Update-OutputCsv -Path $csv -WorkspacePath $ws", new Dictionary<string, object?> { ["csv"] = csv, ["ws"] = ws });
        Assert.False(Assert.Single(again.Objects<CsvUpdateComparison>()).Replaced);
        Assert.True(before.SequenceEqual(File.ReadAllBytes(csv)));

        // And the rollback puts the original bytes back.
        var restore = PowerShellHost.Run("Restore-OutputCsv -WorkspacePath $ws -Confirm:$false", new Dictionary<string, object?> { ["ws"] = ws });
        Assert.Null(restore.Terminating);
        Assert.Equal(CsvRestoreStatus.Restored, Assert.Single(restore.Objects<CsvRestoreResult>()).Status);
        Assert.True(original.SequenceEqual(File.ReadAllBytes(csv)));
    }

    [Fact]
    public void WhatIf_reports_the_changes_and_writes_nothing()
    {
        using var dir = new TempDir();
        var (_, csv, ws) = Migrated(dir);
        var original = File.ReadAllBytes(csv);
        var filesBefore = Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories).OrderBy(f => f).ToList();
        var run = PowerShellHost.Run("Update-OutputCsv -Path $csv -WorkspacePath $ws -WhatIf", new Dictionary<string, object?> { ["csv"] = csv, ["ws"] = ws });
        Assert.Null(run.Terminating);
        Assert.Equal(4, run.Objects<CsvUrlChange>().Count(c => c.Action == CsvChangeAction.Rewritten));
        Assert.True(Assert.Single(run.Objects<CsvUpdateComparison>()).WhatIf);
        Assert.True(original.SequenceEqual(File.ReadAllBytes(csv)));
        Assert.Equal(filesBefore, Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories).OrderBy(f => f).ToList());
    }

    [Fact]
    public void A_row_that_fails_validation_is_an_error_record_per_row_and_stops_before_writing()
    {
        using var dir = new TempDir();
        var (b, csv, ws) = Migrated(dir);
        // Bo's row names Ann's video: the person association would break.
        File.AppendAllText(csv, $"3,Cy,,s3://{b.Name}/1_Ann/c.mp4,\r\n");
        var original = File.ReadAllBytes(csv);
        var run = PowerShellHost.Run("Update-OutputCsv -Path $csv -WorkspacePath $ws -ErrorAction Continue", new Dictionary<string, object?> { ["csv"] = csv, ["ws"] = ws });
        var row = Assert.Single(run.Errors, e => e.FullyQualifiedErrorId.StartsWith("CsvRowInvalid"));
        Assert.Equal(4, ((CsvProblem)row.TargetObject).Line);
        var stop = (run.Terminating as IContainsErrorRecord)?.ErrorRecord ?? run.Errors.Last();
        Assert.Equal("CsvValidationFailed", stop.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("line 4", stop.Exception.Message);
        Assert.True(original.SequenceEqual(File.ReadAllBytes(csv)));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "backups")));
    }

    [Fact]
    public void Bad_input_is_a_terminating_error_that_leaves_the_CSV_untouched()
    {
        using var dir = new TempDir();
        var (_, csv, ws) = Migrated(dir);
        var original = File.ReadAllBytes(csv);
        string Error(string script) =>
            PowerShellHost.Run(script, new Dictionary<string, object?> { ["csv"] = csv, ["ws"] = ws, ["missing"] = dir.File("nope.csv"), ["empty"] = dir.File("empty-ws") })
                .StoppingError?.FullyQualifiedErrorId.Split(',')[0] ?? "none";

        Assert.Equal("CsvNotFound", Error("Update-OutputCsv -Path $missing -WorkspacePath $ws"));
        Assert.Equal("JournalNotFound", Error("Update-OutputCsv -Path $csv -WorkspacePath $empty"));
        using (new FileStream(csv, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            Assert.Equal("CsvLocked", Error("Update-OutputCsv -Path $csv -WorkspacePath $ws"));
        Assert.Equal("NothingToRestore", Error("Restore-OutputCsv -WorkspacePath $ws -Confirm:$false"));
        Assert.True(original.SequenceEqual(File.ReadAllBytes(csv)));
    }

    [Fact]
    public void Backup_OutputCsv_writes_the_plan_s_backup_and_uploads_it_checked()
    {
        using var dir = new TempDir();
        var (b, csv, _) = Migrated(dir);
        var run = CopyRun.Pipe(_moto, "Backup-OutputCsv -Path $csv -Bucket $bucket -Prefix 'backups/csv' -EndpointUrl $endpoint", ("csv", csv), ("bucket", b.Name));
        Assert.Null(run.Terminating);
        var info = Assert.Single(run.Objects<CsvBackupInfo>());
        Assert.Matches(@"output_\d{8}_\d{6}_pre_migration\.csv$", info.Path);
        Assert.Equal(Path.Combine(dir.Path, "backups"), Path.GetDirectoryName(info.Path));
        Assert.True(File.ReadAllBytes(csv).SequenceEqual(File.ReadAllBytes(info.Path)));
        Assert.Equal(TestBucket.Md5(File.ReadAllBytes(csv)), CsvBackup.ReadMd5File(info.Md5Path));
        using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(info.GzipPath!), System.IO.Compression.CompressionMode.Decompress))
        using (var ms = new MemoryStream()) { gz.CopyTo(ms); Assert.True(File.ReadAllBytes(csv).SequenceEqual(ms.ToArray())); }
        Assert.Equal(3, info.Uploaded.Length);
        var key = "backups/csv/" + Path.GetFileName(info.Path);
        Assert.True(File.ReadAllBytes(csv).SequenceEqual(CopyRun.Body(_s3, b.Name, key)));

        // The phase-1 backup restores too, by path, after its MD5 is checked.
        var original = File.ReadAllBytes(csv);
        File.WriteAllText(csv, "row_id,name,s3_audio_url\r\n");
        var restore = PowerShellHost.Run("Restore-OutputCsv -Path $csv -BackupPath $backup -Confirm:$false", new Dictionary<string, object?> { ["csv"] = csv, ["backup"] = info.Path });
        Assert.Equal(CsvRestoreStatus.Restored, Assert.Single(restore.Objects<CsvRestoreResult>()).Status);
        Assert.True(original.SequenceEqual(File.ReadAllBytes(csv)));

        var dry = CopyRun.Pipe(_moto, "Backup-OutputCsv -Path $csv -BackupFolder $folder -WhatIf", ("csv", csv), ("folder", dir.File("dry")));
        Assert.Empty(dry.Objects<CsvBackupInfo>());
        Assert.False(Directory.Exists(dir.File("dry")));
    }
}
