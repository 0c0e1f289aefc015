using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Journal;
using S3Migration.Planning;
using S3Migration.Storage;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration;

/// <summary>
/// The 412 paths, on moto behind ConditionalProxy (which enforces the preconditions moto ignores): first the proxy
/// itself, then what the module does when S3 refuses a conditional copy or delete because someone else wrote
/// between its check and its request.
/// </summary>
[Collection(S3Collection.Name)]
public class PreconditionTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public PreconditionTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private static AmazonS3Exception Refused(Func<Task> call, System.Net.HttpStatusCode status, string code)
    {
        var ex = Assert.ThrowsAny<AmazonS3Exception>(() => call().GetAwaiter().GetResult());
        Assert.Equal((status, code), (ex.StatusCode, ex.ErrorCode));
        return ex;
    }

    private string Text(string bucket, string key) => Encoding.UTF8.GetString(CopyRun.Body(_s3, bucket, key));

    // ---- the proxy: each condition refused when it does not hold, accepted when it does ----

    [Fact]
    public void Proxy_enforces_the_copy_source_conditions_of_CopyObject()
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName("pc-src"));
        var etag = "\"" + b.Put("src.mp3", "the source") + "\"";
        var modified = CopyRun.Head(_s3, b.Name, "src.mp3").LastModified!.Value.ToUniversalTime();
        DateTime hourBefore = modified.AddHours(-1), hourAfter = modified.AddHours(1);
        using var proxy = new ConditionalProxy(_moto.EndpointUrl);
        using var s3 = proxy.CreateClient();
        CopyObjectRequest Copy(string to, Action<CopyObjectRequest> condition)
        {
            var r = new CopyObjectRequest { SourceBucket = b.Name, SourceKey = "src.mp3", DestinationBucket = b.Name, DestinationKey = to };
            condition(r);
            return r;
        }
        const string other = "\"0123456789abcdef0123456789abcdef\"";

        var refused = new[]
        {
            Copy("no/1", r => r.ETagToMatch = other),
            Copy("no/2", r => r.ETagToNotMatch = etag),
            Copy("no/3", r => r.ModifiedSinceDate = hourAfter),
            Copy("no/4", r => r.UnmodifiedSinceDate = hourBefore),
            // If-None-Match decides alone when present: it does not hold, so a true If-Modified-Since does not save the copy.
            Copy("no/5", r => { r.ETagToNotMatch = etag; r.ModifiedSinceDate = hourBefore; }),
        };
        foreach (var request in refused)
        {
            Refused(() => s3.CopyObjectAsync(request), System.Net.HttpStatusCode.PreconditionFailed, "PreconditionFailed");
            Assert.False(CopyRun.Exists(_s3, b.Name, request.DestinationKey), request.DestinationKey);
        }
        Assert.Equal(new[] { "x-amz-copy-source-If-Match", "x-amz-copy-source-If-None-Match", "x-amz-copy-source-If-Modified-Since", "x-amz-copy-source-If-Unmodified-Since", "x-amz-copy-source-If-None-Match" },
            proxy.Refusals.Select(r => r.Condition));

        var accepted = new[]
        {
            Copy("yes/1", r => r.ETagToMatch = etag),
            Copy("yes/2", r => r.ETagToNotMatch = other),
            Copy("yes/3", r => r.ModifiedSinceDate = hourBefore),
            Copy("yes/4", r => r.UnmodifiedSinceDate = hourAfter),
            // If-Match decides alone when present: it holds, so a false If-Unmodified-Since does not stop the copy (S3: 200 OK).
            Copy("yes/5", r => { r.ETagToMatch = etag; r.UnmodifiedSinceDate = hourBefore; }),
        };
        foreach (var request in accepted)
        {
            s3.CopyObjectAsync(request).GetAwaiter().GetResult();
            Assert.Equal("the source", Text(b.Name, request.DestinationKey));
        }
        Assert.Equal(5, proxy.RefusedCount("PUT copy"));
        Assert.Equal(10, proxy.ByKind["PUT copy"]);
    }

    [Fact]
    public void Proxy_enforces_the_copy_source_conditions_of_UploadPartCopy_and_If_None_Match_on_CompleteMultipartUpload()
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName("pc-part"));
        var etag = "\"" + b.Put("src.mp4", "a multipart source") + "\"";
        using var proxy = new ConditionalProxy(_moto.EndpointUrl);
        using var s3 = proxy.CreateClient();
        var upload = s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = b.Name, Key = "dst.mp4" }).GetAwaiter().GetResult();
        CopyPartRequest Part(string match) => new()
        {
            SourceBucket = b.Name, SourceKey = "src.mp4", DestinationBucket = b.Name, DestinationKey = "dst.mp4", UploadId = upload.UploadId, PartNumber = 1,
            ETagToMatch = new List<string> { match },
        };
        Refused(() => s3.CopyPartAsync(Part("\"0123456789abcdef0123456789abcdef\"")), System.Net.HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        var part = s3.CopyPartAsync(Part(etag)).GetAwaiter().GetResult();
        Assert.Equal(1, proxy.RefusedCount("PUT part-copy", "x-amz-copy-source-If-Match"));
        Assert.Equal(2, proxy.ByKind["PUT part-copy"]);
        Assert.Equal(1, proxy.ByKind["POST initiate"]);

        // Someone else writes the key before the upload completes: If-None-Match: * refuses to replace it.
        b.Put("dst.mp4", "written meanwhile");
        var complete = new CompleteMultipartUploadRequest
        {
            BucketName = b.Name, Key = "dst.mp4", UploadId = upload.UploadId, PartETags = new List<PartETag> { new(1, part.ETag) }, IfNoneMatch = "*",
        };
        Refused(() => s3.CompleteMultipartUploadAsync(complete), System.Net.HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        Assert.Equal("written meanwhile", Text(b.Name, "dst.mp4"));
        Assert.Equal(1, proxy.RefusedCount("POST complete", "If-None-Match"));

        _s3.DeleteObjectAsync(b.Name, "dst.mp4").GetAwaiter().GetResult();
        s3.CompleteMultipartUploadAsync(complete).GetAwaiter().GetResult();
        Assert.Equal("a multipart source", Text(b.Name, "dst.mp4"));
    }

    [Fact]
    public void Proxy_enforces_If_None_Match_and_If_Match_on_PutObject_and_CopyObject()
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName("pc-write"));
        b.Put("src.mp3", "the source");
        var existing = "\"" + b.Put("taken.mp3", "already here") + "\"";
        using var proxy = new ConditionalProxy(_moto.EndpointUrl);
        using var s3 = proxy.CreateClient();
        PutObjectRequest Put(string key, string body) => new() { BucketName = b.Name, Key = key, ContentBody = body };
        CopyObjectRequest Copy(string to) => new() { SourceBucket = b.Name, SourceKey = "src.mp3", DestinationBucket = b.Name, DestinationKey = to };

        // If-None-Match: * refuses an existing key, accepts a free one.
        var put = Put("taken.mp3", "overwrite?"); put.IfNoneMatch = "*";
        Refused(() => s3.PutObjectAsync(put), System.Net.HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        var copy = Copy("taken.mp3"); copy.IfNoneMatch = "*";
        Refused(() => s3.CopyObjectAsync(copy), System.Net.HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        Assert.Equal("already here", Text(b.Name, "taken.mp3"));
        var freePut = Put("free-put.mp3", "new"); freePut.IfNoneMatch = "*";
        s3.PutObjectAsync(freePut).GetAwaiter().GetResult();
        var freeCopy = Copy("free-copy.mp3"); freeCopy.IfNoneMatch = "*";
        s3.CopyObjectAsync(freeCopy).GetAwaiter().GetResult();
        Assert.Equal(("new", "the source"), (Text(b.Name, "free-put.mp3"), Text(b.Name, "free-copy.mp3")));

        // If-Match: another ETag is 412, no object is 404 NoSuchKey, the object's ETag replaces it.
        var stale = Copy("taken.mp3"); stale.IfMatch = "\"0123456789abcdef0123456789abcdef\"";
        Refused(() => s3.CopyObjectAsync(stale), System.Net.HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        var absent = Copy("absent.mp3"); absent.IfMatch = existing;
        Refused(() => s3.CopyObjectAsync(absent), System.Net.HttpStatusCode.NotFound, "NoSuchKey");
        Assert.False(CopyRun.Exists(_s3, b.Name, "absent.mp3"));
        Assert.Equal("already here", Text(b.Name, "taken.mp3"));
        var current = Copy("taken.mp3"); current.IfMatch = existing;
        s3.CopyObjectAsync(current).GetAwaiter().GetResult();
        Assert.Equal("the source", Text(b.Name, "taken.mp3"));
        var stalePut = Put("taken.mp3", "lost update"); stalePut.IfMatch = existing;
        Refused(() => s3.PutObjectAsync(stalePut), System.Net.HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        Assert.Equal("the source", Text(b.Name, "taken.mp3"));

        Assert.Equal(new[]
        {
            ("PUT object", "taken.mp3", "PreconditionFailed", "If-None-Match"), ("PUT copy", "taken.mp3", "PreconditionFailed", "If-None-Match"),
            ("PUT copy", "taken.mp3", "PreconditionFailed", "If-Match"), ("PUT copy", "absent.mp3", "NoSuchKey", "If-Match"),
            ("PUT object", "taken.mp3", "PreconditionFailed", "If-Match"),
        }, proxy.Refusals.Select(r => (r.Kind, r.Key, r.Code, r.Condition)));
    }

    [Fact]
    public void Proxy_enforces_If_Match_on_DeleteObject_and_the_ETags_of_a_DeleteObjects_batch()
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName("pc-del"));
        var etags = new[] { "a", "b", "c", "d" }.ToDictionary(k => k + ".mp3", k => "\"" + b.Put(k + ".mp3", "content " + k) + "\"");
        using var proxy = new ConditionalProxy(_moto.EndpointUrl);
        using var s3 = proxy.CreateClient();
        const string other = "\"0123456789abcdef0123456789abcdef\"";

        Refused(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = b.Name, Key = "a.mp3", IfMatch = other }), System.Net.HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        Assert.True(CopyRun.Exists(_s3, b.Name, "a.mp3"));
        s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = b.Name, Key = "a.mp3", IfMatch = etags["a.mp3"] }).GetAwaiter().GetResult();
        Assert.False(CopyRun.Exists(_s3, b.Name, "a.mp3"));
        Assert.Equal(1, proxy.RefusedCount("DELETE", "If-Match"));

        // A batch: b's ETag is stale (refused, kept), c's is current and d names none (both deleted).
        DeleteObjectsResponse answer;
        try
        {
            answer = s3.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = b.Name,
                Objects = new List<KeyVersion> { new() { Key = "b.mp3", ETag = other }, new() { Key = "c.mp3", ETag = etags["c.mp3"] }, new() { Key = "d.mp3" } },
            }).GetAwaiter().GetResult();
        }
        catch (DeleteObjectsException ex) { answer = ex.Response; }
        var error = Assert.Single(answer.DeleteErrors);
        Assert.Equal(("b.mp3", "PreconditionFailed"), (error.Key, error.Code));
        Assert.Equal(new[] { "c.mp3", "d.mp3" }, answer.DeletedObjects.Select(d => d.Key).OrderBy(k => k));
        Assert.True(CopyRun.Exists(_s3, b.Name, "b.mp3"));
        Assert.False(CopyRun.Exists(_s3, b.Name, "c.mp3"));
        Assert.False(CopyRun.Exists(_s3, b.Name, "d.mp3"));

        // A batch whose every key is refused never reaches moto (which refuses an empty batch) and answers the errors.
        try
        {
            answer = s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = b.Name, Objects = new List<KeyVersion> { new() { Key = "b.mp3", ETag = other }, new() { Key = "gone.mp3", ETag = other } } })
                .GetAwaiter().GetResult();
        }
        catch (DeleteObjectsException ex) { answer = ex.Response; }
        Assert.Equal(new[] { ("b.mp3", "PreconditionFailed"), ("gone.mp3", "NoSuchKey") }, answer.DeleteErrors.Select(e => (e.Key, e.Code)).OrderBy(e => e.Key));
        Assert.Empty(answer.DeletedObjects ?? new List<DeletedObject>());
        Assert.True(CopyRun.Exists(_s3, b.Name, "b.mp3"));

        // Counted by kind, valueless subresources included (?delete, ?tagging, ?uploads).
        s3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = b.Name, Key = "b.mp3", Tagging = new Tagging { TagSet = new List<Tag> { new() { Key = "k", Value = "v" } } } }).GetAwaiter().GetResult();
        s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = b.Name, Key = "b.mp3" }).GetAwaiter().GetResult();
        Assert.Equal(2, proxy.ByKind["POST delete"]);
        Assert.Equal(2, proxy.ByKind["DELETE"]);
        Assert.Equal(1, proxy.ByKind["PUT tagging"]);
        Assert.Equal(1, proxy.ByKind["GET tagging"]);
        Assert.Equal(3, proxy.RefusedCount("POST delete"));
    }
}
