using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using S3Migration.Journal;
using S3Migration.Storage;
using S3Migration.Tests.Infrastructure;
using S3Migration.Workspace;

namespace S3Migration.Tests.Integration;

/// <summary>Compress-MigrationWorkspace and Test-MigrationArchive on real files and a real local S3 server (moto).</summary>
[Collection(S3Collection.Name)]
public class ArchiveTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public ArchiveTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    /// <summary>A workspace with the usual files, a subfolder, and the things an archive must leave out.</summary>
    private static void Seed(string ws)
    {
        File.WriteAllText(Path.Combine(ws, MigrationJournal.FileName), string.Join(",", JournalRow.Columns) + "\n");
        File.WriteAllText(Path.Combine(ws, "migration_summary.json"), "{\"state\":\"completed\"}");
        File.WriteAllText(Path.Combine(ws, "migration_certificate.md"), "# S3 migration certificate\n");
        File.WriteAllText(Path.Combine(ws, "deletion_log.csv"), "source_path,version_id\n");
        Directory.CreateDirectory(Path.Combine(ws, "backups"));
        File.WriteAllBytes(Path.Combine(ws, "backups", "output_20250301_120000_pre_migration.csv.gz"), TestBucket.RandomBytes(5000, 7));
        File.WriteAllText(Path.Combine(ws, "report.json.partial"), "half");
        File.WriteAllText(Path.Combine(ws, "stale.lock"), "");   // left by a crash: not held
        Directory.CreateDirectory(Path.Combine(ws, WorkspaceArchive.FolderName));
        File.WriteAllText(Path.Combine(ws, WorkspaceArchive.FolderName, "older.zip"), "an earlier archive");
    }

    private static string Sha(byte[] b) => Convert.ToHexString(SHA256.HashData(b)).ToLowerInvariant();

    [Fact]
    public void An_archive_round_trips_and_every_file_matches_its_checksum()
    {
        using var dir = new TempDir();
        Seed(dir.Path);
        var run = CopyRun.Pipe(_moto, "Compress-MigrationWorkspace -WorkspacePath $ws", ("ws", dir.Path));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var r = Assert.Single(run.Objects<ArchiveResult>());
        Assert.Equal(ArchiveResult.Archived, r.Status);
        Assert.StartsWith(Path.Combine(dir.Path, "archive", "migration_workspace_"), r.Path);
        Assert.Matches(@"migration_workspace_\d{8}_\d{6}\.zip$", r.Path);
        Assert.False(File.Exists(r.Path + ".partial"));

        var expected = new[] { "backups/output_20250301_120000_pre_migration.csv.gz", "deletion_log.csv", "migration_certificate.md", "migration_log.csv", "migration_summary.json" };
        Assert.Equal(expected.Length, r.FileCount);
        // The side file: the zip's own SHA-256, sha256sum format.
        Assert.Equal($"{Sha(File.ReadAllBytes(r.Path))}  {Path.GetFileName(r.Path)}\n", File.ReadAllText(r.Path + ".sha256"));
        Assert.Equal(Sha(File.ReadAllBytes(r.Path)), r.Sha256);

        using var unpacked = new TempDir();
        ZipFile.ExtractToDirectory(r.Path, unpacked.Path);
        var sums = File.ReadAllLines(Path.Combine(unpacked.Path, "SHA256SUMS")).ToDictionary(l => l[66..], l => l[..64]);
        Assert.Equal(expected, sums.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var rel in expected)
        {
            var original = File.ReadAllBytes(Path.Combine(dir.Path, rel));
            var back = File.ReadAllBytes(Path.Combine(unpacked.Path, rel));
            Assert.Equal(original, back);
            Assert.Equal(sums[rel], Sha(back));
        }
        var entries = Directory.EnumerateFiles(unpacked.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(unpacked.Path, f).Replace('\\', '/')).OrderBy(f => f, StringComparer.Ordinal);
        Assert.Equal(expected.Append("SHA256SUMS").OrderBy(f => f, StringComparer.Ordinal), entries);

        var check = CopyRun.Pipe(_moto, "Test-MigrationArchive -Path $zip", ("zip", r.Path));
        var v = Assert.Single(check.Objects<ArchiveVerification>());
        Assert.Equal((ArchiveResult.Verified, 5, 5, ""), (v.Status, v.FileCount, v.FilesVerified, v.Notes));
    }

    [Fact]
    public void A_tampered_archive_fails_the_test()
    {
        using var dir = new TempDir();
        Seed(dir.Path);
        var r = WorkspaceArchive.Create(dir.Path, Path.Combine(dir.Path, "out.zip"));

        // Change one file inside and give the zip a matching side file: only SHA256SUMS can tell.
        var inner = Path.Combine(dir.Path, "inner.zip");
        File.Copy(r.Path, inner);
        using (var zip = ZipFile.Open(inner, ZipArchiveMode.Update))
        {
            zip.GetEntry("migration_summary.json")!.Delete();
            using var w = new StreamWriter(zip.CreateEntry("migration_summary.json").Open());
            w.Write("{\"state\":\"forged\"}");
        }
        File.WriteAllText(inner + ".sha256", $"{Sha(File.ReadAllBytes(inner))}  inner.zip\n");
        var detailed = CopyRun.Pipe(_moto, "Test-MigrationArchive -Path $zip -Detailed", ("zip", inner));
        var bad = Assert.Single(detailed.Objects<ArchiveEntryCheck>(), e => e.Status != "Verified");
        Assert.Equal(("migration_summary.json", "Mismatch"), (bad.Path, bad.Status));
        Assert.Equal(ArchiveResult.Failed, WorkspaceArchive.Verify(inner).Status);

        // Change the zip's bytes without its side file.
        var flipped = Path.Combine(dir.Path, "flipped.zip");
        var bytes = File.ReadAllBytes(r.Path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(flipped, bytes);
        File.Copy(r.Path + ".sha256", flipped + ".sha256");
        var summary = Assert.Single(CopyRun.Pipe(_moto, "Test-MigrationArchive -Path $zip", ("zip", flipped)).Objects<ArchiveVerification>());
        Assert.Equal(ArchiveResult.Failed, summary.Status);
        Assert.Contains("is not the", summary.Notes);

        // An archive without its side file is not proven.
        File.Delete(flipped + ".sha256");
        File.Copy(r.Path, Path.Combine(dir.Path, "alone.zip"));
        var alone = WorkspaceArchive.Verify(Path.Combine(dir.Path, "alone.zip"));
        Assert.Equal(ArchiveResult.Failed, alone.Status);
        Assert.Contains("no alone.zip.sha256", alone.Notes);
    }

    [Fact]
    public void The_archive_is_uploaded_in_glacier_and_verified_by_size_and_etag()
    {
        using var dir = new TempDir();
        Seed(dir.Path);
        var b = new TestBucket(_s3, TestBucket.UniqueName("archive"));
        var run = CopyRun.Pipe(_moto, "Compress-MigrationWorkspace -WorkspacePath $ws -DestinationPath $zip -UploadBucket $bucket -EndpointUrl $endpoint",
            ("ws", dir.Path), ("zip", dir.File("closing.zip")), ("bucket", b.Name));
        Assert.Null(run.Terminating);
        Assert.True(run.Errors.Count == 0, string.Join("; ", run.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)));
        var r = Assert.Single(run.Objects<ArchiveResult>());
        Assert.Equal((ArchiveResult.Verified, $"s3://{b.Name}/migration-archives/closing.zip", "GLACIER"), (r.Status, r.UploadedTo, r.StorageClass));
        var head = CopyRun.Head(_s3, b.Name, "migration-archives/closing.zip");
        Assert.Equal("GLACIER", head.StorageClass?.Value);
        Assert.Equal(TestBucket.Md5(File.ReadAllBytes(r.Path)), head.ETag.Trim('"'));
        Assert.Equal(new FileInfo(r.Path).Length, head.ContentLength);
        Assert.DoesNotContain(run.Verbose, v => v.Contains("X-Amz-Signature") || v.Contains("AKIA"));
    }

    [Fact]
    public void A_large_archive_goes_up_in_parts_and_is_verified_by_its_multipart_etag()
    {
        using var dir = new TempDir();
        var file = dir.File("big.zip");
        File.WriteAllBytes(file, TestBucket.RandomBytes(11 * 1024 * 1024 + 17, 3));
        var b = new TestBucket(_s3, TestBucket.UniqueName("archivemp"));
        const long part = 5 * 1024 * 1024;
        var (head, note) = BackupUploader.UploadFileAsync(_s3, b.Name, "a/big.zip", file, "DEEP_ARCHIVE", "application/zip", CancellationToken.None,
            singlePartLimit: part, partSize: part).GetAwaiter().GetResult();
        Assert.EndsWith("-3", head.ETag);
        Assert.Equal(BackupUploader.FileMd5s(file, part).MultipartETag, head.ETag);
        Assert.Contains("multipart ETag", note);
        Assert.Equal("DEEP_ARCHIVE", head.StorageClass);
    }

    [Fact]
    public void An_upload_to_a_missing_bucket_fails_and_keeps_the_local_archive()
    {
        using var dir = new TempDir();
        Seed(dir.Path);
        var zip = Path.Combine(dir.Path, "keep.zip");
        var run = CopyRun.Pipe(_moto, "Compress-MigrationWorkspace -WorkspacePath $ws -DestinationPath $zip -UploadBucket no-such-archive-bucket-x -EndpointUrl $endpoint",
            ("ws", dir.Path), ("zip", zip));
        Assert.StartsWith("BucketNotFound", run.StoppingError?.FullyQualifiedErrorId);
        Assert.Contains("local archive", run.StoppingError!.Exception.Message);
        Assert.Equal(ArchiveResult.Failed, Assert.Single(run.Objects<ArchiveResult>()).Status);
        Assert.True(File.Exists(zip));
        Assert.Equal(ArchiveResult.Verified, WorkspaceArchive.Verify(zip).Status);
    }

    [Fact]
    public void A_workspace_whose_journal_is_being_written_is_refused()
    {
        using var dir = new TempDir();
        Seed(dir.Path);
        using (MigrationJournal.Open(dir.Path))   // holds migration_log.lock, as a running copy does
        {
            var run = CopyRun.Pipe(_moto, "Compress-MigrationWorkspace -WorkspacePath $ws", ("ws", dir.Path));
            var error = run.StoppingError;
            Assert.StartsWith("WorkspaceInUse", error?.FullyQualifiedErrorId);
            Assert.Contains("migration_log.lock", error!.Exception.Message);
            Assert.Equal(new[] { "older.zip" }, Directory.GetFiles(Path.Combine(dir.Path, "archive")).Select(Path.GetFileName));
        }
        // Released (the copy finished): archiving works.
        Assert.Equal(ArchiveResult.Archived, WorkspaceArchive.Create(dir.Path, dir.File("after.zip")).Status);
    }

    [Fact]
    public void WhatIf_writes_and_uploads_nothing_and_an_existing_archive_is_never_overwritten()
    {
        using var dir = new TempDir();
        Seed(dir.Path);
        Directory.Delete(Path.Combine(dir.Path, "archive"), true);
        var before = Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories).OrderBy(f => f).ToList();
        var b = new TestBucket(_s3, TestBucket.UniqueName("archivewi"));
        var run = CopyRun.Pipe(_moto, "Compress-MigrationWorkspace -WorkspacePath $ws -UploadBucket $bucket -EndpointUrl $endpoint -WhatIf", ("ws", dir.Path), ("bucket", b.Name));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Output);
        Assert.Equal(before, Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories).OrderBy(f => f));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "archive")));
        Assert.Empty(_s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = b.Name }).GetAwaiter().GetResult().S3Objects ?? new());

        var zip = dir.File("taken.zip");
        File.WriteAllText(zip, "not ours");
        var again = CopyRun.Pipe(_moto, "Compress-MigrationWorkspace -WorkspacePath $ws -DestinationPath $zip", ("ws", dir.Path), ("zip", zip));
        Assert.StartsWith("ArchiveExists", again.StoppingError?.FullyQualifiedErrorId);
        Assert.Contains("never overwritten", again.StoppingError!.Exception.Message);
        Assert.Equal("not ours", File.ReadAllText(zip));
    }
}
