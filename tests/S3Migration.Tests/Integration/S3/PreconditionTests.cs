using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.S3;

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
        DateTime hourBefore = modified.AddHours(-1), hourAfter = modified.AddHours(1), secondAfter = modified.AddSeconds(1);
        // "Not modified since" needs a date after the object's and not in the future (S3 ignores a future one).
        while (DateTime.UtcNow <= secondAfter.AddMilliseconds(100)) Thread.Sleep(100);
        using var proxy = new ConditionalProxy(_moto.EndpointUrl);
        using var s3 = proxy.CreateClient();
        CopyObjectRequest CopyTo(string to, Action<CopyObjectRequest> condition)
        {
            var r = new CopyObjectRequest { SourceBucket = b.Name, SourceKey = "src.mp3", DestinationBucket = b.Name, DestinationKey = to };
            condition(r);
            return r;
        }
        const string other = "\"0123456789abcdef0123456789abcdef\"";

        var refused = new[]
        {
            CopyTo("no/1", r => r.ETagToMatch = other),
            CopyTo("no/2", r => r.ETagToNotMatch = etag),
            CopyTo("no/3", r => r.ModifiedSinceDate = secondAfter),
            CopyTo("no/4", r => r.UnmodifiedSinceDate = hourBefore),
            // If-None-Match decides alone when present: it does not hold, so a true If-Modified-Since does not save the copy.
            CopyTo("no/5", r => { r.ETagToNotMatch = etag; r.ModifiedSinceDate = hourBefore; }),
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
            CopyTo("yes/1", r => r.ETagToMatch = etag),
            CopyTo("yes/2", r => r.ETagToNotMatch = other),
            CopyTo("yes/3", r => r.ModifiedSinceDate = hourBefore),
            CopyTo("yes/4", r => r.UnmodifiedSinceDate = hourAfter),
            CopyTo("yes/5", r => r.ModifiedSinceDate = hourAfter), // a date in the future is ignored, as S3 does
            // If-Match decides alone when present: it holds, so a false If-Unmodified-Since does not stop the copy (S3: 200 OK).
            CopyTo("yes/6", r => { r.ETagToMatch = etag; r.UnmodifiedSinceDate = hourBefore; }),
        };
        foreach (var request in accepted)
        {
            s3.CopyObjectAsync(request).GetAwaiter().GetResult();
            Assert.Equal("the source", Text(b.Name, request.DestinationKey));
        }
        Assert.Equal(5, proxy.RefusedCount("PUT copy"));
        Assert.Equal(11, proxy.ByKind["PUT copy"]);
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
        CopyObjectRequest CopyTo(string to) => new() { SourceBucket = b.Name, SourceKey = "src.mp3", DestinationBucket = b.Name, DestinationKey = to };

        // If-None-Match: * refuses an existing key, accepts a free one.
        var put = Put("taken.mp3", "overwrite?"); put.IfNoneMatch = "*";
        Refused(() => s3.PutObjectAsync(put), System.Net.HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        var copy = CopyTo("taken.mp3"); copy.IfNoneMatch = "*";
        Refused(() => s3.CopyObjectAsync(copy), System.Net.HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        Assert.Equal("already here", Text(b.Name, "taken.mp3"));
        var freePut = Put("free-put.mp3", "new"); freePut.IfNoneMatch = "*";
        s3.PutObjectAsync(freePut).GetAwaiter().GetResult();
        var freeCopy = CopyTo("free-copy.mp3"); freeCopy.IfNoneMatch = "*";
        s3.CopyObjectAsync(freeCopy).GetAwaiter().GetResult();
        Assert.Equal(("new", "the source"), (Text(b.Name, "free-put.mp3"), Text(b.Name, "free-copy.mp3")));

        // If-Match: another ETag is 412, no object is 404 NoSuchKey, the object's ETag replaces it.
        var stale = CopyTo("taken.mp3"); stale.IfMatch = "\"0123456789abcdef0123456789abcdef\"";
        Refused(() => s3.CopyObjectAsync(stale), System.Net.HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        var absent = CopyTo("absent.mp3"); absent.IfMatch = existing;
        Refused(() => s3.CopyObjectAsync(absent), System.Net.HttpStatusCode.NotFound, "NoSuchKey");
        Assert.False(CopyRun.Exists(_s3, b.Name, "absent.mp3"));
        Assert.Equal("already here", Text(b.Name, "taken.mp3"));
        var current = CopyTo("taken.mp3"); current.IfMatch = existing;
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

    // ---- the module when S3 refuses: someone wrote between the module's check and its request ----

    private List<MigrationItem> Inventory(string bucket, string destination) =>
        CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -DestinationBucket $dst -EndpointUrl $endpoint", ("bucket", bucket), ("dst", destination))
            .Objects<MigrationItem>().ToList();

    private PipelineRun CopyPersonFiles(IEnumerable<MigrationItem> items, string destination, string workspace, string endpoint, string more = "") =>
        CopyRun.Pipe(_moto, "$items | Copy-PersonFiles -DestinationBucket $dst -WorkspacePath $ws -EndpointUrl $via " + more,
            ("items", items.ToList()), ("dst", destination), ("ws", workspace), ("via", endpoint));

    [Fact]
    public void Undo_keeps_a_destination_rewritten_between_its_check_and_its_delete()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("pc-undo"));
        b.Put("1_Ann/a.mp3", "audio of ann");
        b.Put("1_Ann/b.pdf", "a pdf of ann");
        var copy = CopyPersonFiles(Inventory(b.Name, b.Name), b.Name, dir.Path, _moto.EndpointUrl);
        Assert.All(copy.Objects<MigrationResult>(), r => Assert.Equal(MigrationResultStatus.Verified, r.Status));

        using var proxy = new ConditionalProxy(_moto.EndpointUrl);
        // After Undo's HEAD found its copy unchanged, before its DeleteObject: the application rewrites the object
        // (same size, other bytes, so only the ETag tells).
        proxy.Before(r => r.Kind == "DELETE" && r.Key == "audio/1_Ann_a.mp3", r => b.Put(r.Key, "AUDIO OF ANN"));
        var run = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $via -Confirm:$false", ("ws", dir.Path), ("via", proxy.EndpointUrl));

        Assert.Null(run.Terminating);
        Assert.Equal(("DELETE", "audio/1_Ann_a.mp3", "PreconditionFailed", "If-Match"), Assert.Single(proxy.Refusals.Select(r => (r.Kind, r.Key, r.Code, r.Condition))));
        var results = run.Objects<RollbackResult>().ToDictionary(r => r.TargetKey);
        Assert.Equal(RollbackStatus.Kept, results["audio/1_Ann_a.mp3"].Status);
        Assert.Contains("412", results["audio/1_Ann_a.mp3"].Reason);
        Assert.Contains(run.Warnings, w => w.Contains("audio/1_Ann_a.mp3"));
        Assert.Equal("AUDIO OF ANN", Text(b.Name, "audio/1_Ann_a.mp3"));
        Assert.Equal(RollbackStatus.Deleted, results["documents/1_Ann_b.pdf"].Status);
        Assert.False(CopyRun.Exists(_s3, b.Name, "documents/1_Ann_b.pdf"));
        Assert.True(CopyRun.Exists(_s3, b.Name, "1_Ann/a.mp3"));
    }

    /// <remarks>
    /// Written as the existing RemovalTests are: no people CSV is recorded in the workspace, and the removal runs on
    /// the journal, the destinations and the backup manifest alone.
    /// </remarks>
    [Fact]
    public void Remove_source_keeps_a_source_rewritten_between_its_check_and_the_DeleteObjects_and_deletes_the_rest_of_the_batch()
    {
        using var dir = new TempDir();
        var files = new Dictionary<string, string>
        {
            ["1_Ann/a.mp3"] = "audio of ann", ["1_Ann/b.pdf"] = "a pdf of ann!", ["2_Bo/c.mp4"] = "video of bo, longer", ["2_Bo/d.mp3"] = "audio of bo",
        };
        var w = MigratedWorkspace.Build(_moto, _s3, dir, files, stem: "pc-rm");
        using var proxy = new ConditionalProxy(_moto.EndpointUrl);
        // Every check passed; the batch is on its way: the application rewrites one source (same size, other bytes).
        proxy.Before(r => r.Kind == "POST delete", r =>
        {
            Assert.Equal(files.Keys.Order(), r.DeleteKeys.Order());
            w.Bucket.Put("1_Ann/a.mp3", "AUDIO OF ANN");
        });

        var run = CopyRun.Pipe(_moto, "Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $via -GracePeriodDays 0 -Confirm:$false",
            ("ws", w.Workspace), ("via", proxy.EndpointUrl));

        Assert.Null(run.Terminating);
        Assert.Equal(1, proxy.ByKind["POST delete"]);
        Assert.Equal(("POST delete", "1_Ann/a.mp3", "PreconditionFailed", "If-Match"), Assert.Single(proxy.Refusals.Select(r => (r.Kind, r.Key, r.Code, r.Condition))));
        var results = run.Objects<RemovalResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(RemovalStatus.Failed, results["1_Ann/a.mp3"].Status);
        Assert.Contains("PreconditionFailed", results["1_Ann/a.mp3"].Notes);
        Assert.Contains(run.Errors, e => e.FullyQualifiedErrorId.StartsWith("SourceDeleteFailed") && e.Exception.Message.Contains("1_Ann/a.mp3"));
        Assert.Equal("AUDIO OF ANN", Text(w.Bucket.Name, "1_Ann/a.mp3"));
        foreach (var key in new[] { "1_Ann/b.pdf", "2_Bo/c.mp4", "2_Bo/d.mp3" })
        {
            Assert.Equal(RemovalStatus.Deleted, results[key].Status);
            Assert.False(w.Exists(key), key);
        }

        // The deletion log never claims the refused source was deleted; it records the others as deleted.
        var log = w.DeletionLog();
        var aRows = log.Where(r => r["source_path"] == $"s3://{w.Bucket.Name}/1_Ann/a.mp3").ToList();
        Assert.NotEmpty(aRows);
        Assert.All(aRows, r => Assert.NotEqual("deleted", r["status"]));
        Assert.Equal("failed", aRows.Last()["status"]);
        Assert.Equal("", aRows.Last()["deleted_at"]);
        Assert.Equal(3, log.Where(r => r["status"] == "deleted").Select(r => r["source_path"]).Distinct().Count());
        var summary = w.Summary();
        Assert.Equal((3, 1), (summary.GetProperty("objects_deleted").GetInt32(), summary.GetProperty("objects_failed").GetInt32()));
        Assert.Equal(files.Where(f => f.Key != "1_Ann/a.mp3").Sum(f => f.Value.Length), summary.GetProperty("bytes_reclaimed").GetInt64());
    }

    /// <summary>Two workspaces, two source buckets with the same person layout, one destination bucket.</summary>
    private (TestBucket First, TestBucket Second, TestBucket Destination) TwoSourcesOneDestination(string stem)
    {
        var first = new TestBucket(_s3, TestBucket.UniqueName(stem + "-1"));
        var second = new TestBucket(_s3, TestBucket.UniqueName(stem + "-2"));
        var destination = new TestBucket(_s3, TestBucket.UniqueName(stem + "-dst"));
        first.Put("1_Ann/a.mp3", "ann, as the first workspace has her");
        second.Put("1_Ann/a.mp3", "ann, as the second workspace has her!");
        first.Put("1_Ann/b.mp3", "the same bytes in both");
        second.Put("1_Ann/b.mp3", "the same bytes in both");
        return (first, second, destination);
    }

    [Fact]
    public void A_second_workspace_copying_into_keys_the_first_already_wrote_never_overwrites_them()
    {
        using var wsA = new TempDir();
        using var wsB = new TempDir();
        var (first, second, dst) = TwoSourcesOneDestination("pc-two");
        // Both planned before either copies (each inventory saw an empty destination).
        var itemsA = Inventory(first.Name, dst.Name);
        var itemsB = Inventory(second.Name, dst.Name);
        Assert.All(itemsA.Concat(itemsB), i => Assert.Equal(MigrationItemStatus.Planned, i.Status));

        var runA = CopyPersonFiles(itemsA, dst.Name, wsA.Path, _moto.EndpointUrl);
        Assert.All(runA.Objects<MigrationResult>(), r => Assert.Equal(MigrationResultStatus.Verified, r.Status));
        using var proxy = new ConditionalProxy(_moto.EndpointUrl);
        var runB = CopyPersonFiles(itemsB, dst.Name, wsB.Path, proxy.EndpointUrl);

        var results = runB.Objects<MigrationResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(MigrationResultStatus.Conflict, results["1_Ann/a.mp3"].Status);
        Assert.Equal(MigrationResultStatus.Skipped, results["1_Ann/b.mp3"].Status);
        Assert.Equal("ann, as the first workspace has her", Text(dst.Name, "audio/1_Ann_a.mp3"));
        Assert.Equal(0, proxy.ByKind.GetValueOrDefault("PUT copy")); // the destination listing saw both keys: no copy was even tried
        Assert.Equal(JournalRow.Conflict, CopyRun.Journal(wsB.Path).Single(r => r.OldPath.EndsWith("1_Ann/a.mp3")).VerificationStatus);
    }

    /// <summary>Copy-PersonFiles' switch for the multipart path (UploadPartCopy + CompleteMultipartUpload), even for small objects.</summary>
    private static string CopyPath(bool multipart) => multipart ? "-MultipartThreshold 1" : "";

    private List<string> OpenUploads(string bucket) =>
        _s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket }).GetAwaiter().GetResult().MultipartUploads?.Select(u => u.Key).ToList() ?? new List<string>();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_key_written_by_the_other_workspace_after_the_listing_is_refused_by_If_None_Match_and_never_overwritten(bool multipart)
    {
        using var wsA = new TempDir();
        using var wsB = new TempDir();
        var (first, second, dst) = TwoSourcesOneDestination("pc-race");
        var itemsA = Inventory(first.Name, dst.Name);
        var itemsB = Inventory(second.Name, dst.Name);
        using var proxy = new ConditionalProxy(_moto.EndpointUrl);
        // B has listed the (empty) destination folder and sends its first write: just then the first workspace runs
        // its whole copy, straight to S3. B copies one object at a time, so both of its copies meet A's objects.
        var write = multipart ? "POST complete" : "PUT copy";
        PipelineRun? runA = null;
        proxy.Before(r => r.Kind == write && r.Bucket == dst.Name, _ => runA = CopyPersonFiles(itemsA, dst.Name, wsA.Path, _moto.EndpointUrl));

        var runB = CopyPersonFiles(itemsB, dst.Name, wsB.Path, proxy.EndpointUrl, "-ThrottleLimit 1 " + CopyPath(multipart));

        Assert.NotNull(runA);
        Assert.All(runA!.Objects<MigrationResult>(), r => Assert.Equal(MigrationResultStatus.Verified, r.Status));
        Assert.Equal(2, proxy.RefusedCount(write, "If-None-Match"));
        Assert.Equal(2, proxy.ByKind[write]); // refused, and not sent again without the condition
        var results = runB.Objects<MigrationResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(MigrationResultStatus.Conflict, results["1_Ann/a.mp3"].Status);
        Assert.Contains("not overwritten", results["1_Ann/a.mp3"].Notes);
        Assert.Equal(MigrationResultStatus.Skipped, results["1_Ann/b.mp3"].Status);
        Assert.Equal("ann, as the first workspace has her", Text(dst.Name, "audio/1_Ann_a.mp3"));
        Assert.Equal("the same bytes in both", Text(dst.Name, "audio/1_Ann_b.mp3"));
        Assert.Empty(OpenUploads(dst.Name)); // a refused multipart copy is aborted, not left to bill its parts

        // Undoing the second workspace leaves the first workspace's copies alone.
        var undo = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", wsB.Path));
        Assert.DoesNotContain(undo.Objects<RollbackResult>(), r => r.Status == RollbackStatus.Deleted);
        Assert.True(CopyRun.Exists(_s3, dst.Name, "audio/1_Ann_a.mp3"));
        Assert.True(CopyRun.Exists(_s3, dst.Name, "audio/1_Ann_b.mp3"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_source_rewritten_between_its_HEAD_and_its_copy_is_refused_by_the_copy_source_condition_and_not_copied(bool multipart)
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("pc-srcchg"));
        b.Put("1_Ann/a.mp3", "audio of ann");
        b.Put("1_Ann/b.pdf", "a pdf of ann");
        var items = Inventory(b.Name, b.Name);
        using var proxy = new ConditionalProxy(_moto.EndpointUrl);
        // The copy checked the source (HEAD) and sends its copy request: the application rewrites the source just then.
        var copy = multipart ? "PUT part-copy" : "PUT copy";
        proxy.Before(r => r.Kind == copy && r.Key == "audio/1_Ann_a.mp3", _ => b.Put("1_Ann/a.mp3", "AUDIO OF ANN"));

        var run = CopyPersonFiles(items, b.Name, dir.Path, proxy.EndpointUrl, CopyPath(multipart));

        Assert.Null(run.Terminating);
        Assert.True(proxy.RefusedCount(copy, "x-amz-copy-source-If-Match") >= 1);
        // The refusal is taken for what it is (the source changed), not for a destination that appeared: the copy is not
        // sent again without If-None-Match.
        if (!multipart) Assert.Equal(1, proxy.RefusedCount(copy, "x-amz-copy-source-If-Match"));
        var results = run.Objects<MigrationResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(MigrationResultStatus.Failed, results["1_Ann/a.mp3"].Status);
        Assert.Contains("the source changed", results["1_Ann/a.mp3"].Notes);
        Assert.False(CopyRun.Exists(_s3, b.Name, "audio/1_Ann_a.mp3"));
        Assert.Empty(OpenUploads(b.Name));
        Assert.Equal(MigrationResultStatus.Verified, results["1_Ann/b.pdf"].Status);
        Assert.Equal(JournalRow.Failed, CopyRun.Journal(dir.Path).Last(r => r.OldPath.EndsWith("1_Ann/a.mp3")).VerificationStatus);
    }

    [Fact]
    public void A_copy_answered_200_with_an_error_after_it_was_made_is_retried_meets_its_own_copy_and_ends_verified()
    {
        // Provenance: each copy carries the workspace's migration-id tag, so the retry tells its own earlier copy from
        // someone else's identical object; without it, it would be journaled "found identical" (Skipped), and
        // Undo-Migration would keep it as a destination that existed before the migration.
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("pc-err200"));
        b.Put("1_Ann/a.mp3", "audio of ann");
        b.Put("1_Ann/b.pdf", "a pdf of ann");
        using var proxy = new ConditionalProxy(_moto.EndpointUrl);
        proxy.FailCopyAfterWrite(b.Name, "audio/1_Ann_a.mp3");

        var run = CopyPersonFiles(Inventory(b.Name, b.Name), b.Name, dir.Path, proxy.EndpointUrl);

        Assert.Null(run.Terminating);
        Assert.Equal(1, proxy.ErrorBodiesSent);
        // The retry's If-None-Match met the copy the first attempt made.
        Assert.Equal(("PUT copy", "audio/1_Ann_a.mp3", "PreconditionFailed", "If-None-Match"), Assert.Single(proxy.Refusals.Select(r => (r.Kind, r.Key, r.Code, r.Condition))));
        Assert.Equal("audio of ann", Text(b.Name, "audio/1_Ann_a.mp3"));
        var results = run.Objects<MigrationResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(MigrationResultStatus.Verified, results["1_Ann/b.pdf"].Status);
        var a = results["1_Ann/a.mp3"];
        Assert.True(a.Retries >= 1, $"{a.Retries} retries");
        Assert.Equal(MigrationResultStatus.Verified, a.Status);
        var row = CopyRun.Journal(dir.Path).Last(r => r.OldPath.EndsWith("1_Ann/a.mp3"));
        Assert.Equal(JournalRow.Verified, row.VerificationStatus);
        Assert.DoesNotContain(JournalRow.FoundIdenticalNote, row.Error);

        // The copy is the migration's own, so undoing the migration deletes it.
        var undo = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", dir.Path));
        Assert.Equal(RollbackStatus.Deleted, undo.Objects<RollbackResult>().Single(r => r.TargetKey == "audio/1_Ann_a.mp3").Status);
        Assert.False(CopyRun.Exists(_s3, b.Name, "audio/1_Ann_a.mp3"));
    }
}
