using System.IO.Compression;
using Amazon.S3;
using S3Migration.Tests.Infrastructure;
using S3Migration.Tests.Unit.Reports;

namespace S3Migration.Tests.Pipeline;

/// <summary>Closing a real migration: inventory | copy (with a failure), then the final report and the archive, in the engine.</summary>
[Collection(S3Collection.Name)]
public class ClosurePipelineTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public ClosurePipelineTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private string CopiedWorkspace(TempDir dir, out string bucket)
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName("closure"));
        b.Put("1_Ann/a.mp3", "a"); b.Put("1_Ann/b.pdf", "b"); b.Put("2_Bo/c.mp4", "c", storageClass: "DEEP_ARCHIVE");
        var run = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Where-Object FileType -ne '_unknown' |
                Copy-PersonFiles -DestinationBucket $bucket -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction SilentlyContinue | Out-Null
            """, ("bucket", b.Name), ("ws", dir.Path));
        Assert.Null(run.Terminating);
        bucket = b.Name;
        return dir.Path;
    }

    [Fact]
    public void The_final_report_of_a_real_copy_lists_the_archived_source_in_lessons_learned()
    {
        using var dir = new TempDir();
        var ws = CopiedWorkspace(dir, out var bucket);
        File.WriteAllText(Path.Combine(ws, BackupSummary.FileName), FinalReportTests.BackupSummary);
        File.WriteAllText(Path.Combine(ws, RemovalSummary.FileName), FinalReportTests.DeletionSummary(1, 0));
        File.WriteAllText(Path.Combine(ws, DeletionJournal.FileName), FinalReportTests.DeletionLogHeader
            + $"s3://{bucket}/1_Ann/a.mp3,,audio,1,e1,s3://{bucket}/audio/1_Ann_a.mp3,s3://b/1_Ann/a.mp3,deleted,,2025-04-01T09:00:10Z\n"
            + $"s3://{bucket}/2_Bo/c.mp4,,video,1,e3,,,kept,not migrated (archived),\n");

        var run = CopyRun.Pipe(_moto, "New-MigrationFinalReport -WorkspacePath $ws -Verbose", ("ws", ws));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var r = Assert.Single(run.Objects<FinalReport>());
        Assert.Equal((FinalReport.NotClosed, 2, 1), (r.Status, r.FilesMigrated, r.FailuresUnresolved));
        Assert.Contains(r.Reasons, x => x.StartsWith("there is no inventory in the workspace"));   // the inventory was not given -WorkspacePath
        var archived = Assert.Single(r.Leftovers, l => l.Path == $"s3://{bucket}/2_Bo/c.mp4");
        Assert.Equal("failed copy", archived.Kind);
        Assert.Contains("archived", archived.Why);
        Assert.Equal(Path.Combine(ws, "final_report.md"), r.Path);
        var md = File.ReadAllText(r.Path);
        Assert.Contains($"| archived source | 1 | 1 | 1 | s3://{bucket}/2_Bo/c.mp4 |", md);
        Assert.Contains("## Backup", md);
        Assert.Contains("## Deletion of the old structure", md);
        Assert.Contains($"| s3://{bucket}/2_Bo/c.mp4 |  | 1 | not migrated (archived) |", md);
        Assert.Contains("The migration is NOT closed", md);
        Assert.Contains("## What we would do differently", md);

        // It is not replaced without -Force (people write in it); -WhatIf writes nothing.
        File.AppendAllText(r.Path, "\nwritten by a person\n");
        var again = CopyRun.Pipe(_moto, "New-MigrationFinalReport -WorkspacePath $ws", ("ws", ws));
        Assert.StartsWith("FinalReportExists", Assert.Single(again.Errors).FullyQualifiedErrorId);
        Assert.EndsWith("written by a person\n", File.ReadAllText(r.Path));
        var whatIf = CopyRun.Pipe(_moto, "New-MigrationFinalReport -WorkspacePath $ws -Path $other -WhatIf", ("ws", ws), ("other", dir.File("other.md")));
        Assert.Empty(whatIf.Output);
        Assert.False(File.Exists(dir.File("other.md")));
        var forced = CopyRun.Pipe(_moto, "New-MigrationFinalReport -WorkspacePath $ws -Force", ("ws", ws));
        Assert.Single(forced.Objects<FinalReport>());
        Assert.DoesNotContain("written by a person", File.ReadAllText(r.Path));
    }

    [Fact]
    public void A_real_migration_with_a_lost_copy_and_orphans_is_closed_only_when_every_leftover_is_resolved_or_accepted()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("leftover"));
        var backup = new TestBucket(_s3, TestBucket.UniqueName("leftover-bak"));
        b.Put("1_Ann/a.mp3", "ann audio"); b.Put("1_Ann/b.pdf", "ann cv"); b.Put("1_Ann/", "");
        b.Put("readme.txt", "about this bucket"); b.Put("9_Zed/z.mp3", "nobody's audio");
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, $"row_id,name,s3_audio_url,s3_document_url\n1,Ann,s3://{b.Name}/1_Ann/a.mp3,s3://{b.Name}/1_Ann/b.pdf\n");
        var ws = dir.File("ws");
        PipelineRun Run(string script) => CopyRun.Pipe(_moto, script, ("bucket", b.Name), ("backupBucket", backup.Name), ("csv", csv), ("ws", ws));

        var setup = Run("""
            Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backupBucket -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop | Out-Null
            Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop |
                Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop | Out-Null
            """);
        Assert.Null(setup.Terminating);
        _s3.DeleteObjectAsync(b.Name, "documents/1_Ann_b.pdf").GetAwaiter().GetResult();   // a copy lost after it verified
        var close = Run("""
            Test-MigrationIntegrity -WorkspacePath $ws -CsvPath $csv -EndpointUrl $endpoint -WarningAction SilentlyContinue | Out-Null
            Update-OutputCsv -Path $csv -WorkspacePath $ws -ErrorAction SilentlyContinue | Out-Null
            Remove-MigrationSource -WorkspacePath $ws -Force -Confirm:$false -EndpointUrl $endpoint -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
            Test-MigrationIntegrity -WorkspacePath $ws -SkipSourceCheck -EndpointUrl $endpoint -WarningAction SilentlyContinue | Out-Null
            New-MigrationFinalReport -WorkspacePath $ws -AcceptLeftover 'readme.txt', '9_Zed/*', '1_Ann/'
            """);
        Assert.Null(close.Terminating);
        var open = Assert.Single(close.Objects<FinalReport>());
        Assert.Equal(FinalReport.NotClosed, open.Status);
        var lost = Assert.Single(open.Leftovers, l => l.Standing == S3Migration.Model.LeftoverStanding.Blocking);
        Assert.Equal(($"s3://{b.Name}/1_Ann/b.pdf", "Missing"), (lost.Path, lost.Kind));
        Assert.Equal(new[] { "1_Ann/", "9_Zed/z.mp3", "readme.txt" }.Select(k => $"s3://{b.Name}/{k}"),
            open.Leftovers.Where(l => l.Standing == S3Migration.Model.LeftoverStanding.AcceptedByOperator).Select(l => l.Path).OrderBy(p => p, StringComparer.Ordinal));
        var md = File.ReadAllText(open.Path);
        Assert.DoesNotContain("every file", md);
        Assert.Contains($"| s3://{b.Name}/9_Zed/z.mp3 | unmatched person folder | person folder has no CSV row with row_id 9 | accepted by the operator ('9_Zed/*') |", md);

        // Copied again (the cleanup kept its source), deleted, checked: now only the accepted leftovers remain.
        var resolved = Run("""
            Get-MigrationInventory -Bucket $bucket -CsvPath $csv -EndpointUrl $endpoint -ErrorAction Stop | Where-Object SourceKey -eq '1_Ann/b.pdf' |
                Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop | Out-Null
            Remove-MigrationSource -WorkspacePath $ws -Force -Confirm:$false -EndpointUrl $endpoint -ErrorAction Stop -WarningAction SilentlyContinue | Out-Null
            Test-MigrationIntegrity -WorkspacePath $ws -SkipSourceCheck -EndpointUrl $endpoint -ErrorAction Stop | Out-Null
            New-MigrationFinalReport -WorkspacePath $ws -Force -AcceptLeftover 'readme.txt', '9_Zed/*', '1_Ann/'
            """);
        Assert.Null(resolved.Terminating);
        var closed = Assert.Single(resolved.Objects<FinalReport>());
        Assert.True(closed.Status == FinalReport.Closed, closed.Verdict);
        Assert.Equal((0, 3), (closed.LeftoversBlocking, closed.LeftoversAccepted));
        Assert.Contains("except 3 leftovers accepted by the operator", File.ReadAllText(closed.Path));
    }

    [Fact]
    public void A_workspace_without_backup_and_deletion_says_not_run_and_is_not_closed()
    {
        using var dir = new TempDir();
        var ws = CopiedWorkspace(dir, out _);
        var run = CopyRun.Pipe(_moto, "(New-MigrationFinalReport -WorkspacePath $ws).Status", ("ws", ws));
        Assert.Equal("NotClosed", Assert.Single(run.Output).ToString());
        var md = File.ReadAllText(Path.Combine(ws, "final_report.md"));
        Assert.Contains("Not run: there is no backup_summary.json", md);
        Assert.Contains("Not run: there is no deletion_summary.json", md);
    }

    [Fact]
    public void Report_then_archive_then_test_in_one_pipeline()
    {
        using var dir = new TempDir();
        var ws = CopiedWorkspace(dir, out var bucket);
        var run = CopyRun.Pipe(_moto, """
            New-MigrationFinalReport -WorkspacePath $ws | Out-Null
            New-MigrationCertificate -WorkspacePath $ws | Out-Null
            Compress-MigrationWorkspace -WorkspacePath $ws -UploadBucket $bucket -StorageClass DEEP_ARCHIVE -EndpointUrl $endpoint | Test-MigrationArchive
            """, ("ws", ws), ("bucket", bucket));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var v = Assert.Single(run.Objects<ArchiveVerification>());
        Assert.Equal(ArchiveResult.Verified, v.Status);
        using var zip = ZipFile.OpenRead(v.Path);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        foreach (var n in new[] { "migration_log.csv", "migration_summary.json", "final_report.md", "migration_certificate.md", "migration_certificate.html", "SHA256SUMS" })
            Assert.Contains(n, names);
        Assert.DoesNotContain(names, n => n.EndsWith(".lock") || n.StartsWith("archive/"));
        var head = CopyRun.Head(_s3, bucket, "migration-archives/" + Path.GetFileName(v.Path));
        Assert.Equal("DEEP_ARCHIVE", head.StorageClass?.Value);
    }
}
