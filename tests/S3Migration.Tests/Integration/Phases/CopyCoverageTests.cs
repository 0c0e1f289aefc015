using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// Copy-PersonFiles behaviours that the README promises and no other test shows: every preserved header on both copy
/// paths, -CannedAcl, and giving up after -MaxRetries.
/// </summary>
[Collection(S3Collection.Name)]
public class CopyCoverageTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public CopyCoverageTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private static void SetHeaders(HeadersCollection h)
    {
        h.CacheControl = "max-age=600";
        h.ContentDisposition = "attachment; filename=\"talk.mp3\"";
        h.ContentEncoding = "identity";
        h["Content-Language"] = "de-CH";
    }

    private static void AssertHeaders(GetObjectMetadataResponse head, string because)
    {
        Assert.True(head.Headers.CacheControl == "max-age=600", because + ": Cache-Control " + head.Headers.CacheControl);
        Assert.True(head.Headers.ContentDisposition == "attachment; filename=\"talk.mp3\"", because + ": Content-Disposition " + head.Headers.ContentDisposition);
        Assert.True(head.Headers.ContentEncoding == "identity", because + ": Content-Encoding " + head.Headers.ContentEncoding);
        Assert.True((head.ContentLanguage ?? head.Headers.ContentLanguage) == "de-CH", because + ": Content-Language");
        Assert.Equal("audio/mpeg", head.Headers.ContentType);
    }

    [Fact]
    public void Both_copy_paths_keep_cache_control_disposition_encoding_and_language()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("headers"));
        var single = new PutObjectRequest { BucketName = b.Name, Key = "1_Ann/talk.mp3", InputStream = new MemoryStream("small"u8.ToArray()), ContentType = "audio/mpeg" };
        SetHeaders(single.Headers);
        _s3.PutObjectAsync(single).GetAwaiter().GetResult();

        var init = new InitiateMultipartUploadRequest { BucketName = b.Name, Key = "1_Ann/long.mp3", ContentType = "audio/mpeg" };
        SetHeaders(init.Headers);
        var upload = _s3.InitiateMultipartUploadAsync(init).GetAwaiter().GetResult();
        var body = TestBucket.RandomBytes(6 * 1024 * 1024, 7);
        var parts = new List<PartETag>();
        for (int offset = 0, n = 1; offset < body.Length; offset += 5 * 1024 * 1024, n++)
        {
            var len = Math.Min(5 * 1024 * 1024, body.Length - offset);
            var p = _s3.UploadPartAsync(new UploadPartRequest { BucketName = b.Name, Key = "1_Ann/long.mp3", UploadId = upload.UploadId, PartNumber = n, PartSize = len, InputStream = new MemoryStream(body, offset, len) }).GetAwaiter().GetResult();
            parts.Add(new PartETag(n, p.ETag));
        }
        _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = b.Name, Key = "1_Ann/long.mp3", UploadId = upload.UploadId, PartETags = parts }).GetAwaiter().GetResult();

        var run = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -CannedAcl public-read",
            ("bucket", b.Name), ("ws", dir.Path));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        Assert.All(run.Objects<MigrationResult>(), r => Assert.Equal(MigrationResultStatus.Verified, r.Status));
        AssertHeaders(CopyRun.Head(_s3, b.Name, "audio/1_Ann_talk.mp3"), "CopyObject");
        AssertHeaders(CopyRun.Head(_s3, b.Name, "audio/1_Ann_long.mp3"), "UploadPartCopy");

        // -CannedAcl public-read: anyone may read both copies; the sources stay private.
        foreach (var key in new[] { "audio/1_Ann_talk.mp3", "audio/1_Ann_long.mp3" })
        {
            var acl = _s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = b.Name, Key = key }).GetAwaiter().GetResult();
            Assert.Contains(acl.Grants, g => g.Grantee?.URI?.EndsWith("/global/AllUsers") == true && g.Permission == S3Permission.READ);
        }
        var source = _s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = b.Name, Key = "1_Ann/talk.mp3" }).GetAwaiter().GetResult();
        Assert.DoesNotContain(source.Grants, g => g.Grantee?.URI?.EndsWith("/global/AllUsers") == true);
    }

    [Fact]
    public void A_server_that_keeps_throttling_is_given_up_on_after_MaxRetries()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("giveup"));
        b.Put("1_Ann/a.mp3", "a");
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, slowDownShare: 1.0);
        var run = CopyRun.Pipe(_moto, """
            $item = [pscustomobject]@{ SourceBucket = $bucket; SourceKey = '1_Ann/a.mp3'; TargetKey = 'audio/1_Ann_a.mp3'; RowId = '1'; PersonName = 'Ann'; FileType = 'audio'; Size = 1 }
            $item | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $proxy -MaxRetries 2 -ErrorAction SilentlyContinue
            """, ("bucket", b.Name), ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
        Assert.Null(run.Terminating);
        var r = Assert.Single(run.Objects<MigrationResult>());
        Assert.Equal(MigrationResultStatus.Failed, r.Status);
        // Every answer is 503 SlowDown: the first request (the destination folder's listing) is tried once and retried
        // twice, then the run gives up and says why, rather than retrying for ever.
        Assert.Equal(3, proxy.Requests);
        Assert.Contains("SlowDown", r.Notes);
        Assert.False(CopyRun.Exists(_s3, b.Name, "audio/1_Ann_a.mp3"));
    }
}
