using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// Issue 10, item 3: one rule for "verified". Every kind of tampering after the copy is caught by Test-MigrationIntegrity
/// (which asks the same rule the copy asked, against what the journal recorded), and Remove-MigrationSource, which asks
/// the integrity check about each destination, keeps the source of every tampered copy.
/// </summary>
[Collection(S3Collection.Name)]
public class TamperingTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public TamperingTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private static readonly Dictionary<string, string> Files = new()
    {
        ["1_Ann/overwritten.mp3"] = "audio that is overwritten",
        ["1_Ann/deleted.mp3"] = "audio whose copy is deleted",
        ["1_Ann/source-changed.pdf"] = "a pdf whose source changes",
        ["1_Ann/content-type.mp4"] = "video whose Content-Type changes",
        ["1_Ann/metadata.srt"] = "subtitles whose user metadata changes",
        ["1_Ann/tags.jpg"] = "an image whose tags are removed",
        ["2_Bo/untouched.mp3"] = "audio nobody touches",
    };

    [Fact]
    public void Every_kind_of_tampering_is_caught_by_the_integrity_check_and_the_cleanup_keeps_its_source()
    {
        using var dir = new TempDir();
        var ws = MigratedWorkspace.Build(_moto, _s3, dir, Files, stem: "tamper");
        var bucket = ws.Bucket.Name;
        var target = CopyRun.Journal(dir.Path).ToDictionary(r => ExpectedCopy.SplitPath(r.OldPath).Key, r => ExpectedCopy.SplitPath(r.NewPath).Key);
        Assert.All(CopyRun.Journal(dir.Path), r => Assert.Equal(JournalRow.Verified, r.VerificationStatus));

        // 1. Same size, other bytes.
        ws.Bucket.Put(target["1_Ann/overwritten.mp3"], "AUDIO THAT IS OVERWRITTEN");
        // 2. The destination is gone.
        _s3.DeleteObjectAsync(bucket, target["1_Ann/deleted.mp3"]).GetAwaiter().GetResult();
        // 3. The source is rewritten after its copy.
        ws.Bucket.Put("1_Ann/source-changed.pdf", "a pdf that has changed since");
        // 4. An extra object in a type folder that no copy put there and that follows no naming rule.
        ws.Bucket.Put("audio/stray upload.mp3", "who put this here");
        // 5. Content-Type replaced in place: same bytes, so the same MD5 ETag.
        ReplaceHeaders(bucket, target["1_Ann/content-type.mp4"], "text/plain", new Dictionary<string, string>());
        // 6. User metadata added in place, Content-Type kept.
        ReplaceHeaders(bucket, target["1_Ann/metadata.srt"], "application/octet-stream", new Dictionary<string, string> { ["owner"] = "someone else" });
        // 7. The migration's tags removed.
        _s3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = target["1_Ann/tags.jpg"] }).GetAwaiter().GetResult();

        // -Verify Head: headers, metadata and tags rewritten in place keep the bytes and the ETag, so a listing shows
        // them only through LastModified (IntegrityRequestCountTests); the check that HEADs every copy sees each one.
        var check = CopyRun.Pipe(_moto, "Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -Verify Head", ("ws", dir.Path));
        Assert.Null(check.Terminating);
        var results = check.Objects<IntegrityResult>();
        IntegrityResult Of(string source) => results.Single(r => r.SourceKey == source);

        Assert.Equal(IntegrityStatus.Mismatch, Of("1_Ann/overwritten.mp3").Status);
        Assert.Equal(IntegrityStatus.Missing, Of("1_Ann/deleted.mp3").Status);
        Assert.Equal(IntegrityStatus.SourceChanged, Of("1_Ann/source-changed.pdf").Status);
        var stray = Assert.Single(results, r => r.TargetKey == "audio/stray upload.mp3");
        Assert.Equal(IntegrityStatus.Unexpected, stray.Status);
        var contentType = Of("1_Ann/content-type.mp4");
        Assert.Equal((IntegrityStatus.Mismatch, false), (contentType.Status, contentType.ContentTypeMatch));
        Assert.Contains("Content-Type", contentType.Reason);
        var metadata = Of("1_Ann/metadata.srt");
        Assert.Equal(IntegrityStatus.Mismatch, metadata.Status);
        Assert.Contains("user metadata", metadata.Reason);
        var tags = Of("1_Ann/tags.jpg");
        Assert.Equal(IntegrityStatus.Mismatch, tags.Status);
        Assert.Contains("tags", tags.Reason);
        Assert.Equal(IntegrityStatus.Verified, Of("2_Bo/untouched.mp3").Status);

        // The cleanup asks the same rule: it deletes only the untouched source.
        var removal = ws.Remove(new RemovalOptions { GracePeriodDays = 0 });
        foreach (var source in Files.Keys.Where(k => k != "2_Bo/untouched.mp3" && k != "1_Ann/deleted.mp3"))
        {
            var r = removal.Results.Single(x => x.SourceKey == source);
            Assert.True(r.Status == RemovalStatus.Kept, $"{source}: {r.Status} {r.Notes}");
            Assert.True(ws.Exists(source), source);
        }
        Assert.True(ws.Exists("1_Ann/deleted.mp3"), "the source of a deleted destination is the only copy left");
        Assert.Equal(RemovalStatus.Deleted, removal.Results.Single(x => x.SourceKey == "2_Bo/untouched.mp3").Status);
    }

    [Fact]
    public void A_copy_whose_headers_were_rewritten_with_the_same_etag_is_not_verified_by_the_journal_alone()
    {
        // The journal's record is what later checks compare: its headers digest and tag count are written by the copy.
        using var dir = new TempDir();
        var ws = MigratedWorkspace.Build(_moto, _s3, dir, new Dictionary<string, string> { ["3_Cy/a.mp3"] = "a" }, stem: "digest");
        var row = Assert.Single(CopyRun.Journal(dir.Path));
        Assert.Matches("^[0-9a-f]{32}$", row.HeadersDigest);
        Assert.Equal(3, row.TagCount); // migration-date, source-structure, migration-id
        var key = ExpectedCopy.SplitPath(row.NewPath).Key;
        var before = CopyRun.Head(_s3, ws.Bucket.Name, key).ETag;
        ReplaceHeaders(ws.Bucket.Name, key, "application/octet-stream", new Dictionary<string, string> { ["x"] = "1" });
        Assert.Equal(before, CopyRun.Head(_s3, ws.Bucket.Name, key).ETag); // the ETag alone would call it unchanged
        var check = CopyRun.Pipe(_moto, "Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -Verify Head", ("ws", dir.Path));
        Assert.Equal(IntegrityStatus.Mismatch, Assert.Single(check.Objects<IntegrityResult>()).Status);
    }

    /// <summary>Rewrites an object's headers in place (a copy onto itself with REPLACE), keeping its bytes and its tags.</summary>
    private void ReplaceHeaders(string bucket, string key, string contentType, Dictionary<string, string> metadata)
    {
        var request = new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = key, DestinationBucket = bucket, DestinationKey = key,
            MetadataDirective = S3MetadataDirective.REPLACE, ContentType = contentType, TaggingDirective = TaggingDirective.COPY,
        };
        foreach (var m in metadata) request.Metadata.Add(m.Key, m.Value);
        _s3.CopyObjectAsync(request).GetAwaiter().GetResult();
    }
}
