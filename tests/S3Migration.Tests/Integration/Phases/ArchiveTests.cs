using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

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
        // The record says the archive exists locally and its upload failed.
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, ArchiveRecord.FileName)));
        var a = Assert.Single(record.RootElement.GetProperty("archives").EnumerateArray());
        Assert.Equal((zip, "Failed", JsonValueKind.Null), (a.GetProperty("path").GetString(), a.GetProperty("status").GetString(), a.GetProperty("uploaded_to").ValueKind));
        Assert.Contains("upload to s3://no-such-archive-bucket-x/migration-archives/keep.zip failed", a.GetProperty("notes").GetString());
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

    [Fact]
    public void The_archive_holds_the_CSV_backups_kept_beside_the_CSV_and_the_workspace_records_where_it_went()
    {
        // Issue 10, item 9: the archive left out the CSV backups (outputs/backups/, outside the workspace), and where it
        // was uploaded was recorded nowhere.
        using var dir = new TempDir();
        var ws = dir.File("ws");
        Directory.CreateDirectory(ws);
        Seed(ws);
        var csv = Path.Combine(dir.Path, "outputs", "output.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(csv)!);
        File.WriteAllText(csv, "row_id,name,s3_audio_url\n1,Ann,s3://media/1_Ann/a.mp3\n");
        MigrationState.RecordCsv(ws, csv);                                    // as Get-MigrationInventory -CsvPath -WorkspacePath does
        var phase1 = CopyRun.Pipe(_moto, "Backup-OutputCsv -Path $csv", ("csv", csv));   // outputs/backups/output_..._pre_migration.csv, .md5, .gz
        Assert.Empty(phase1.Errors);
        var pre = Assert.Single(phase1.Objects<S3Migration.PeopleCsv.CsvBackupInfo>());
        var bytes = File.ReadAllBytes(csv);
        var urlUpdate = S3Migration.PeopleCsv.CsvBackup.Write(csv, bytes, Path.Combine(dir.Path, "outputs", "backups", "output_pre_url_update.csv"), gzip: false);
        CsvUpdateLog.Append(ws, new CsvUpdateRecord { CsvPath = csv, BackupPath = urlUpdate.Path, BackupMd5 = urlUpdate.Md5, UpdatedMd5 = "x", UpdatedAt = DateTime.UtcNow });
        File.WriteAllText(Path.Combine(dir.Path, "outputs", "backups", "other_20250301_120000_pre_migration.csv"), "another CSV's backup");

        var b = new TestBucket(_s3, TestBucket.UniqueName("archivecsv"));
        var run = CopyRun.Pipe(_moto, "Compress-MigrationWorkspace -WorkspacePath $ws -DestinationPath $zip -UploadBucket $bucket -EndpointUrl $endpoint",
            ("ws", ws), ("zip", dir.File("closing.zip")), ("bucket", b.Name));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var r = Assert.Single(run.Objects<ArchiveResult>());

        var expected = new[] { pre.Path, pre.Md5Path, pre.GzipPath!, urlUpdate.Path, urlUpdate.Md5Path }
            .ToDictionary(f => "csv_backups/" + Path.GetFileName(f), f => f);
        using (var zip = ZipFile.OpenRead(r.Path))
        {
            var sums = WorkspaceArchive.ParseSums(new StreamReader(zip.GetEntry("SHA256SUMS")!.Open()).ReadToEnd());
            foreach (var (entry, original) in expected)
            {
                Assert.True(sums.ContainsKey(entry), entry);
                Assert.Equal(Sha(File.ReadAllBytes(original)), sums[entry]);
                using var ms = new MemoryStream();
                zip.GetEntry(entry)!.Open().CopyTo(ms);
                Assert.Equal(File.ReadAllBytes(original), ms.ToArray());
            }
            Assert.DoesNotContain(sums.Keys, k => k.Contains("other_"));         // another CSV's backups are not this migration's
            var origins = new StreamReader(zip.GetEntry("csv_backups/ORIGINS.txt")!.Open()).ReadToEnd();
            Assert.Contains($"csv_backups/{Path.GetFileName(pre.Path)}\t{pre.Path}", origins);
        }
        Assert.Equal(ArchiveResult.Verified, WorkspaceArchive.Verify(r.Path).Status);

        // Where it went, in the workspace: the local path, the S3 location, its ETag and when.
        using (var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws, "archive_record.json"))))
        {
            var a = Assert.Single(record.RootElement.GetProperty("archives").EnumerateArray());
            Assert.Equal(r.Path, a.GetProperty("path").GetString());
            Assert.Equal(r.Sha256, a.GetProperty("sha256").GetString());
            Assert.Equal($"s3://{b.Name}/migration-archives/closing.zip", a.GetProperty("uploaded_to").GetString());
            Assert.Equal(CopyRun.Head(_s3, b.Name, "migration-archives/closing.zip").ETag.Trim('"'), a.GetProperty("etag").GetString());
            Assert.Equal("Verified", a.GetProperty("status").GetString());
            Assert.True(a.GetProperty("uploaded_at").GetDateTime() > DateTime.UtcNow.AddMinutes(-5));
        }

        // A second archive is recorded beside the first, and holds the record of the first.
        var second = CopyRun.Pipe(_moto, "Compress-MigrationWorkspace -WorkspacePath $ws -DestinationPath $zip", ("ws", ws), ("zip", dir.File("later.zip")));
        Assert.Empty(second.Errors);
        using (var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws, "archive_record.json"))))
        {
            var all = record.RootElement.GetProperty("archives").EnumerateArray().ToList();
            Assert.Equal(2, all.Count);
            Assert.Equal((dir.File("later.zip"), JsonValueKind.Null), (all[1].GetProperty("path").GetString(), all[1].GetProperty("uploaded_to").ValueKind));
        }
        using (var zip = ZipFile.OpenRead(dir.File("later.zip"))) Assert.NotNull(zip.GetEntry("archive_record.json"));
    }
}
