using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>Copy-PersonFiles against moto: what reaches the destination, what the journal says, what comes out.</summary>
[Collection(S3Collection.Name)]
public class CopyIntegrationTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public CopyIntegrationTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private TestBucket Bucket(string stem) => new(_s3, TestBucket.UniqueName(stem));

    private void PutWithHeaders(TestBucket b, string key, byte[] body, string contentType, Dictionary<string, string>? tags = null)
    {
        var req = new PutObjectRequest { BucketName = b.Name, Key = key, InputStream = new MemoryStream(body), ContentType = contentType };
        req.Headers.CacheControl = "max-age=600";
        req.Metadata.Add("origin", "person-upload");
        if (tags != null) req.TagSet = tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList();
        _s3.PutObjectAsync(req).GetAwaiter().GetResult();
    }

    private string PutMultipartWithHeaders(TestBucket b, string key, byte[] body, string contentType)
    {
        var init = _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = b.Name, Key = key, ContentType = contentType,
            TagSet = new List<Tag> { new() { Key = "team", Value = "media" } },
            Metadata = { ["origin"] = "multipart-upload" },
        }).GetAwaiter().GetResult();
        var parts = new List<PartETag>();
        const int partSize = 5 * 1024 * 1024;
        for (int offset = 0, n = 1; offset < body.Length; offset += partSize, n++)
        {
            var len = Math.Min(partSize, body.Length - offset);
            var r = _s3.UploadPartAsync(new UploadPartRequest { BucketName = b.Name, Key = key, UploadId = init.UploadId, PartNumber = n, PartSize = len, InputStream = new MemoryStream(body, offset, len) }).GetAwaiter().GetResult();
            parts.Add(new PartETag(n, r.ETag));
        }
        return _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = b.Name, Key = key, UploadId = init.UploadId, PartETags = parts }).GetAwaiter().GetResult().ETag.Trim('"');
    }

    private PipelineRun Copy(string bucket, string ws, string extra = "") =>
        CopyRun.Pipe(_moto, $"Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint {extra}",
            ("bucket", bucket), ("ws", ws));

    [Fact]
    public void A_single_part_copy_keeps_content_type_metadata_and_tags_and_adds_migration_tags()
    {
        using var dir = new TempDir();
        var b = Bucket("single");
        PutWithHeaders(b, "1_Ann/talk.mp3", "hello"u8.ToArray(), "audio/mpeg", new() { ["team"] = "media" });
        var run = Copy(b.Name, dir.Path);
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var r = Assert.Single(run.Objects<MigrationResult>());
        Assert.Equal((MigrationResultStatus.Verified, 1, "copy-response"), (r.Status, r.Attempts, r.VerifiedBy));

        var head = CopyRun.Head(_s3, b.Name, "audio/1_Ann_talk.mp3");
        Assert.Equal("audio/mpeg", head.Headers.ContentType);
        Assert.Equal("max-age=600", head.Headers.CacheControl);
        Assert.Equal("person-upload", head.Metadata["origin"]);
        var tags = CopyRun.Tags(_s3, b.Name, "audio/1_Ann_talk.mp3");
        Assert.Equal("media", tags["team"]);
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd"), tags[MigrationTags.DateKey]);
        Assert.Equal("person-folder:1_Ann/talk.mp3", tags[MigrationTags.SourceKey]);
        Assert.Equal("hello", System.Text.Encoding.UTF8.GetString(CopyRun.Body(_s3, b.Name, "audio/1_Ann_talk.mp3")));

        var row = Assert.Single(CopyRun.Journal(dir.Path));
        Assert.Equal(($"s3://{b.Name}/1_Ann/talk.mp3", $"s3://{b.Name}/audio/1_Ann_talk.mp3", "verified", "1", "Ann", "audio", 5L),
            (row.OldPath, row.NewPath, row.VerificationStatus, row.RowId, row.PersonName, row.FileType, row.Size));
        var summary = CopyRun.Summary(dir.Path);
        Assert.Equal(("completed", 1, 1, 1, 0), (summary.GetProperty("state").GetString(), summary.GetProperty("total_files_to_migrate").GetInt32(),
            summary.GetProperty("files_copied").GetInt32(), summary.GetProperty("files_verified").GetInt32(), summary.GetProperty("files_failed").GetInt32()));
        Assert.Equal(1, summary.GetProperty("by_type").GetProperty("audio").GetProperty("verified").GetInt32());
    }

    [Fact]
    public void A_multipart_source_is_copied_part_for_part_with_an_identical_etag_and_all_its_metadata()
    {
        using var dir = new TempDir();
        var b = Bucket("multipart");
        var body = TestBucket.RandomBytes(5 * 1024 * 1024 + 4096, seed: 3);
        var etag = PutMultipartWithHeaders(b, "2_Bo/lecture.mp4", body, "video/mp4");
        var run = Copy(b.Name, dir.Path);
        Assert.Null(run.Terminating);
        var r = Assert.Single(run.Objects<MigrationResult>());
        Assert.Equal(MigrationResultStatus.Verified, r.Status);
        Assert.Equal(etag, r.DestinationETag);
        Assert.EndsWith("-2", r.DestinationETag);

        var head = CopyRun.Head(_s3, b.Name, "video/2_Bo_lecture.mp4");
        Assert.Equal("video/mp4", head.Headers.ContentType);
        Assert.Equal("multipart-upload", head.Metadata["origin"]);
        var tags = CopyRun.Tags(_s3, b.Name, "video/2_Bo_lecture.mp4");
        Assert.Equal("media", tags["team"]);
        Assert.True(tags.ContainsKey(MigrationTags.DateKey));
        Assert.Equal(TestBucket.Md5(body), TestBucket.Md5(CopyRun.Body(_s3, b.Name, "video/2_Bo_lecture.mp4")));
    }

    [Fact]
    public void Above_the_threshold_a_single_part_source_is_copied_in_parts_and_verified_by_content()
    {
        using var dir = new TempDir();
        var b = Bucket("threshold");
        var body = TestBucket.RandomBytes(6 * 1024 * 1024, seed: 4);
        PutWithHeaders(b, "3_Cy/big.pdf", body, "application/pdf");
        var run = Copy(b.Name, dir.Path, "-MultipartThreshold 1MB -PartSize 5MB -NoMigrationTags");
        Assert.Null(run.Terminating);
        var r = Assert.Single(run.Objects<MigrationResult>());
        Assert.Equal((MigrationResultStatus.Verified, "content"), (r.Status, r.VerifiedBy));
        Assert.EndsWith("-2", r.DestinationETag);
        var head = CopyRun.Head(_s3, b.Name, "documents/3_Cy_big.pdf");
        Assert.Equal("application/pdf", head.Headers.ContentType);
        Assert.Equal("max-age=600", head.Headers.CacheControl);
        Assert.Equal("person-upload", head.Metadata["origin"]);
        Assert.Empty(CopyRun.Tags(_s3, b.Name, "documents/3_Cy_big.pdf"));
    }

    [Fact]
    public void Encryption_storage_class_and_the_ten_tag_limit_are_honoured()
    {
        using var dir = new TempDir();
        var b = Bucket("settings");
        PutWithHeaders(b, "4_Di/a.png", "png"u8.ToArray(), "image/png");
        PutWithHeaders(b, "4_Di/b.png", "png2"u8.ToArray(), "image/png", Enumerable.Range(1, 9).ToDictionary(i => $"k{i}", i => $"v{i}"));
        var run = Copy(b.Name, dir.Path, "-ServerSideEncryption AES256 -StorageClass STANDARD_IA");
        Assert.Null(run.Terminating);
        Assert.All(run.Objects<MigrationResult>(), r => Assert.Equal(MigrationResultStatus.Verified, r.Status));
        var head = CopyRun.Head(_s3, b.Name, "images/4_Di_a.png");
        Assert.Equal(ServerSideEncryptionMethod.AES256, head.ServerSideEncryptionMethod);
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, head.StorageClass);
        var full = CopyRun.Tags(_s3, b.Name, "images/4_Di_b.png");
        // The nine own tags stay; the one place left holds migration-id (provenance), the others are noted as left out.
        Assert.Equal(10, full.Count);
        Assert.All(Enumerable.Range(1, 9), i => Assert.Equal($"v{i}", full[$"k{i}"]));
        Assert.True(full.ContainsKey(MigrationTags.IdKey));
        Assert.False(full.ContainsKey(MigrationTags.DateKey));
        Assert.Contains("migration tags not added: migration-date, source-structure", run.Objects<MigrationResult>().Single(r => r.SourceKey == "4_Di/b.png").Notes);
    }

    [Fact]
    public void A_kms_encrypted_copy_whose_etag_proves_nothing_is_verified_by_hashing_both_sides()
    {
        using var dir = new TempDir();
        var b = Bucket("kms");
        PutWithHeaders(b, "11_Ka/a.pdf", "secret report"u8.ToArray(), "application/pdf");
        const string key = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
        var run = Copy(b.Name, dir.Path, $"-ServerSideEncryption aws:kms -KmsKeyId '{key}'");
        Assert.Null(run.Terminating);
        var r = Assert.Single(run.Objects<MigrationResult>());
        Assert.Equal((MigrationResultStatus.Verified, "content"), (r.Status, r.VerifiedBy));
        var head = CopyRun.Head(_s3, b.Name, "documents/11_Ka_a.pdf");
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, head.ServerSideEncryptionMethod);
        Assert.Equal(key, head.ServerSideEncryptionKeyManagementServiceKeyId);
    }

    [Fact]
    public void Different_content_at_the_target_is_a_conflict_unless_forced_and_identical_content_is_skipped()
    {
        using var dir = new TempDir();
        var b = Bucket("conflict");
        b.Put("5_Ed/a.mp3", "mine");
        b.Put("5_Ed/b.mp3", "same");
        var items = PowerShellHost.Run("Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint", new Dictionary<string, object?> { ["bucket"] = b.Name, ["endpoint"] = _moto.EndpointUrl })
            .Objects<MigrationItem>().ToList();
        // After the inventory, somebody writes both targets: one with other bytes, one with the same.
        b.Put("audio/5_Ed_a.mp3", "theirs");
        b.Put("audio/5_Ed_b.mp3", "same");
        var run = CopyRun.Pipe(_moto, "$items | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint", ("items", items), ("ws", dir.Path));
        var results = run.Objects<MigrationResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(MigrationResultStatus.Conflict, results["5_Ed/a.mp3"].Status);
        Assert.Equal("theirs", System.Text.Encoding.UTF8.GetString(CopyRun.Body(_s3, b.Name, "audio/5_Ed_a.mp3")));
        Assert.Contains(run.Warnings, w => w.Contains("audio/5_Ed_a.mp3"));
        Assert.Equal((MigrationResultStatus.Skipped, 0), (results["5_Ed/b.mp3"].Status, results["5_Ed/b.mp3"].Attempts));

        var forced = CopyRun.Pipe(_moto, "$items | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -Force", ("items", items), ("ws", dir.Path));
        var a = forced.Objects<MigrationResult>().Single(r => r.SourceKey == "5_Ed/a.mp3");
        Assert.Equal(MigrationResultStatus.Verified, a.Status);
        Assert.Contains("-Force", a.Notes);
        Assert.Equal("mine", System.Text.Encoding.UTF8.GetString(CopyRun.Body(_s3, b.Name, "audio/5_Ed_a.mp3")));
    }

    [Fact]
    public void Force_replaces_a_differing_destination_the_inventory_found_but_never_resolves_two_sources_on_one_key()
    {
        using var dir = new TempDir();
        var b = Bucket("force-inventory");
        b.Put("12_Lu/a.mp3", "the real file");
        b.Put("audio/12_Lu_a.mp3", "a stale test file");
        b.Put("12_Lu/x y.pdf", "one"); b.Put("12_Lu/x+y.pdf", "two");
        var plain = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint",
            ("bucket", b.Name), ("ws", dir.Path)).Objects<MigrationResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(MigrationResultStatus.NotPlanned, plain["12_Lu/a.mp3"].Status);
        Assert.Equal("a stale test file", System.Text.Encoding.UTF8.GetString(CopyRun.Body(_s3, b.Name, "audio/12_Lu_a.mp3")));

        var forced = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -Force",
            ("bucket", b.Name), ("ws", dir.Path)).Objects<MigrationResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(MigrationResultStatus.Verified, forced["12_Lu/a.mp3"].Status);
        Assert.Equal("the real file", System.Text.Encoding.UTF8.GetString(CopyRun.Body(_s3, b.Name, "audio/12_Lu_a.mp3")));
        Assert.Equal(MigrationResultStatus.NotPlanned, forced["12_Lu/x y.pdf"].Status);
        Assert.Equal(MigrationResultStatus.NotPlanned, forced["12_Lu/x+y.pdf"].Status);
        Assert.False(CopyRun.Exists(_s3, b.Name, "documents/12_Lu_x_y.pdf"));
    }

    [Fact]
    public void A_glacier_source_fails_with_restore_first_and_is_not_retried()
    {
        using var dir = new TempDir();
        var b = Bucket("glacier");
        b.Put("6_Fa/old.mp3", "cold", storageClass: "GLACIER");
        b.Put("6_Fa/new.mp3", "warm");
        var run = Copy(b.Name, dir.Path);
        Assert.Null(run.Terminating);
        var results = run.Objects<MigrationResult>().ToDictionary(r => r.SourceKey);
        var cold = results["6_Fa/old.mp3"];
        Assert.Equal((MigrationResultStatus.Failed, 0, 0), (cold.Status, cold.Attempts, cold.Retries));
        Assert.Contains("restore it first", cold.Notes);
        Assert.Equal(MigrationResultStatus.Verified, results["6_Fa/new.mp3"].Status);
        var error = Assert.Single(run.Errors);
        Assert.StartsWith("SourceArchived", error.FullyQualifiedErrorId);
        Assert.Same(cold, error.TargetObject);
        Assert.False(CopyRun.Exists(_s3, b.Name, "audio/6_Fa_old.mp3"));
        Assert.Equal("failed", CopyRun.Journal(dir.Path).Single(r => r.OldPath.EndsWith("old.mp3")).VerificationStatus);
    }

    [Fact]
    public void A_rerun_skips_what_the_journal_verified_without_copying()
    {
        using var dir = new TempDir();
        var b = Bucket("rerun");
        for (var i = 0; i < 5; i++) b.Put($"7_Gu/f{i}.mp3", $"f{i}");
        Assert.All(Copy(b.Name, dir.Path).Objects<MigrationResult>(), r => Assert.Equal(MigrationResultStatus.Verified, r.Status));
        // The same command again: the fresh inventory finds the copies (Skipped); the copy confirms them from the journal.
        var again = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Where-Object SourceKey -like '7_Gu/*' | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint",
            ("bucket", b.Name), ("ws", dir.Path));
        var results = again.Objects<MigrationResult>().ToList();
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.Equal((MigrationResultStatus.Skipped, 0), (r.Status, r.Attempts)));
        Assert.All(results, r => Assert.Contains("earlier run", r.Notes));
        Assert.Equal(5, CopyRun.Journal(dir.Path).Count); // no new rows
        Assert.Equal(6, CopyRun.Summary(dir.Path).GetProperty("requests").GetInt32()); // one listing of audio/, one HEAD per source
    }

    [Fact]
    public void Items_that_are_not_planned_pass_through_with_a_result_that_says_why()
    {
        using var dir = new TempDir();
        var b = Bucket("passthru");
        b.Put("readme.txt", "x");
        b.Put("8_Hu/a.mp3", "a");
        var run = Copy(b.Name, dir.Path);
        var results = run.Objects<MigrationResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(MigrationResultStatus.NotPlanned, results["readme.txt"].Status);
        Assert.Contains("Orphan", results["readme.txt"].Notes);
        Assert.Equal(MigrationResultStatus.Verified, results["8_Hu/a.mp3"].Status);
        Assert.Single(CopyRun.Journal(dir.Path));
    }

    [Fact]
    public void A_source_changed_since_the_inventory_is_not_copied()
    {
        using var dir = new TempDir();
        var b = Bucket("changed");
        b.Put("9_Iv/a.mp3", "before");
        var items = PowerShellHost.Run("Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint", new Dictionary<string, object?> { ["bucket"] = b.Name, ["endpoint"] = _moto.EndpointUrl })
            .Objects<MigrationItem>().ToList();
        b.Put("9_Iv/a.mp3", "after!");
        var r = Assert.Single(CopyRun.Pipe(_moto, "$items | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint", ("items", items), ("ws", dir.Path)).Objects<MigrationResult>());
        Assert.Equal(MigrationResultStatus.Failed, r.Status);
        Assert.Contains("changed since the inventory", r.Notes);
        Assert.False(CopyRun.Exists(_s3, b.Name, "audio/9_Iv_a.mp3"));
    }

    [Fact]
    public void WhatIf_sends_no_write_and_writes_no_file()
    {
        using var dir = new TempDir();
        var ws = Path.Combine(dir.Path, "ws");
        var b = Bucket("whatif");
        b.Put("10_Jo/a.mp3", "a");
        var run = Copy(b.Name, ws, "-WhatIf");
        Assert.Null(run.Terminating);
        Assert.Empty(run.Output);
        Assert.False(Directory.Exists(ws));
        Assert.False(CopyRun.Exists(_s3, b.Name, "audio/10_Jo_a.mp3"));
    }
}
