using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace S3Migration.Tests.Integration.S3;

/// <summary>
/// What Copy-PersonFiles costs in S3 requests per object, counted by kind at a loopback proxy (issue 13: at most two per
/// small untagged object, verification included, plus listings; one more only where the source has tags to merge).
/// Request counts do not depend on the machine, so they are asserted exactly; timings are the benchmark's business.
/// </summary>
[Collection(S3Collection.Name)]
public class CopyRequestCountTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    private readonly ITestOutputHelper _out;
    public CopyRequestCountTests(MotoServer moto, ITestOutputHelper output) { _moto = moto; _s3 = moto.CreateClient(); _out = output; }

    private const int Untagged = 40, Tagged = 10;

    /// <summary>50 small objects in 5 person folders, 10 of them with a tag of their own; inventoried without the proxy.</summary>
    private (TestBucket Bucket, TempDir Workspace) Seed()
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName("copyreqs"));
        for (var i = 0; i < Untagged + Tagged; i++)
        {
            var req = new PutObjectRequest { BucketName = b.Name, Key = $"{i % 5}_P{i % 5}/f{i}.mp3", ContentBody = new string('x', 1000 + i) };
            if (i >= Untagged) req.TagSet = new List<Tag> { new() { Key = "team", Value = "media" } };
            _s3.PutObjectAsync(req).GetAwaiter().GetResult();
        }
        return (b, new TempDir());
    }

    /// <summary>
    /// One copy at a time, so the counts are exact: while a bucket's tag probe (SourceTags) is in flight, copies running
    /// beside it read their tags as before, up to -ThrottleLimit reads more once per bucket.
    /// </summary>
    private LoopbackProxy Count(TestBucket b, TempDir ws, string copyArgs)
    {
        var proxy = new LoopbackProxy(_moto.EndpointUrl);
        var r = CopyRun.Pipe(_moto, "$items = @(Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint); " +
                                    "$items | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $proxy -ThrottleLimit 1 " + copyArgs,
            ("bucket", b.Name), ("ws", ws.Path), ("proxy", proxy.EndpointUrl));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(Untagged + Tagged, r.Objects<MigrationResult>().Count(x => x.Status == MigrationResultStatus.Verified));
        _out.WriteLine($"{copyArgs}: {proxy.Requests} requests for {Untagged + Tagged} objects: " + string.Join(", ", proxy.ByKind.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}")));
        return proxy;
    }

    /// <summary>The object's number: f{i}.mp3, tagged from <see cref="Untagged"/> on.</summary>
    private static int Index(JournalRow row) => int.Parse(row.SourceKey.Split("/f")[1].Split('.')[0]);

    /// <summary>Every kind of request the proxy saw other than these (listings excepted): none is expected.</summary>
    private static IEnumerable<string> Others(LoopbackProxy p, params string[] kinds) =>
        p.ByKind.Where(k => k.Value > 0 && k.Key != "GET list" && !kinds.Contains(k.Key)).Select(k => $"{k.Key}={k.Value}");

    [Fact]
    public void By_default_an_untagged_object_costs_a_source_HEAD_and_the_copy_and_a_tagged_one_one_tag_read_more()
    {
        var (b, ws) = Seed();
        using var _ = ws;
        using var p = Count(b, ws, "");
        // The source HEAD only, no destination HEAD; plus, once per source bucket, the probe (SourceTags): the first source
        // without x-amz-tagging-count has its tags read (this caller may read them, and it has none) and its copy HEADed (this
        // server sends the header for the tags the copy set). Then an absent header means "no tags", not "not told".
        Assert.Equal(Untagged + Tagged + 1, p.ByKind.GetValueOrDefault("HEAD"));
        Assert.Equal(Untagged + Tagged, p.ByKind.GetValueOrDefault("PUT copy"));
        Assert.Equal(Tagged + 1, p.ByKind.GetValueOrDefault("GET tagging")); // the tagged sources', merged with the migration's
        Assert.Empty(Others(p, "HEAD", "PUT copy", "GET tagging"));
        Assert.True(p.ByKind.GetValueOrDefault("GET list") <= 10, "listings: one or two per destination folder");

        // Tag preservation holds without the reads: the tagged keep their tag and get the migration's, the untagged get the migration's.
        var journal = CopyRun.Journal(ws.Path);
        Assert.All(journal, row => Assert.Equal("copy-response", row.VerifiedBy));
        foreach (var row in journal)
        {
            var target = row.Target();
            var tags = CopyRun.Tags(_s3, target.Bucket, target.Key);
            Assert.True(tags.ContainsKey(MigrationTags.IdKey), $"{target.Key} has its migration-id tag");
            Assert.Equal(Index(row) >= Untagged, tags.ContainsKey("team"));
            Assert.Equal(tags.Count, row.TagCount);
        }
    }

    [Fact]
    public void Verify_Head_adds_one_destination_HEAD_an_object_and_journals_the_HEAD_proof()
    {
        var (b, ws) = Seed();
        using var _ = ws;
        using var p = Count(b, ws, "-Verify Head");
        Assert.Equal(2 * (Untagged + Tagged), p.ByKind.GetValueOrDefault("HEAD")); // source and destination (the probe's proof among them)
        Assert.Equal(Untagged + Tagged, p.ByKind.GetValueOrDefault("PUT copy"));
        Assert.Equal(Tagged + 1, p.ByKind.GetValueOrDefault("GET tagging"));
        Assert.Empty(Others(p, "HEAD", "PUT copy", "GET tagging"));
        Assert.All(CopyRun.Journal(ws.Path), row => Assert.Equal("etag", row.VerifiedBy));
    }

    [Fact]
    public void Without_migration_tags_an_untagged_object_costs_two_requests_and_no_tag_read()
    {
        var (b, ws) = Seed();
        using var _ = ws;
        using var p = Count(b, ws, "-NoMigrationTags");
        Assert.Equal(Untagged + Tagged, p.ByKind.GetValueOrDefault("HEAD"));
        Assert.Equal(Untagged + Tagged, p.ByKind.GetValueOrDefault("PUT copy"));
        Assert.Equal(0, p.ByKind.GetValueOrDefault("GET tagging")); // CopyObject copies the source's tags itself (TaggingDirective=COPY)
        Assert.Empty(Others(p, "HEAD", "PUT copy"));
        var tagged = CopyRun.Journal(ws.Path).Single(r => r.OldPath.EndsWith($"/f{Untagged}.mp3", StringComparison.Ordinal)).Target();
        Assert.Equal("media", CopyRun.Tags(_s3, tagged.Bucket, tagged.Key)["team"]);
    }

    /// <summary>
    /// S3 as a caller without s3:GetObjectTagging sees it (HEADs without x-amz-tagging-count, GET ?tagging refused), or
    /// an S3-compatible server that never sends that header (<see cref="DenyTagRead"/> false).
    /// </summary>
    private sealed class HiddenTagsProxy : LoopbackListener
    {
        public HiddenTagsProxy(string target) : base(target) { }
        public bool DenyTagRead { get; init; }

        protected override async Task HandleAsync(HttpListenerContext ctx, string kind)
        {
            if (DenyTagRead && kind == "GET tagging") { await AnswerErrorAsync(ctx, 403, "AccessDenied", "Access Denied"); return; }
            var body = await ReadBodyAsync(ctx.Request);
            using var response = await SendUpstreamAsync(ctx.Request, body);
            response.Headers.Remove("x-amz-tagging-count");
            await RelayAsync(ctx, response);
        }
    }

    private PipelineRun CopyThrough(LoopbackListener proxy, TestBucket b, TempDir ws) =>
        CopyRun.Pipe(_moto, "$items = @(Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint); $items | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $proxy",
            ("bucket", b.Name), ("ws", ws.Path), ("proxy", proxy.EndpointUrl));

    [Fact]
    public void A_caller_who_may_not_read_tags_gets_failed_copies_not_copies_without_the_source_s_tags()
    {
        var (b, ws) = Seed();
        using var _ = ws;
        using var proxy = new HiddenTagsProxy(_moto.EndpointUrl) { DenyTagRead = true };
        var run = CopyThrough(proxy, b, ws);
        Assert.Null(run.Terminating);
        // No HEAD says "tags" and the one read that would prove "none" is refused: every object is asked, and refused.
        var results = run.Objects<MigrationResult>().ToList();
        Assert.Equal(Untagged + Tagged, results.Count);
        Assert.All(results, r => Assert.Equal(MigrationResultStatus.Failed, r.Status));
        Assert.Contains("Access Denied", results[0].Notes);
    }

    [Fact]
    public void On_a_server_that_never_says_how_many_tags_an_object_has_every_source_s_tags_are_read_and_kept()
    {
        var (b, ws) = Seed();
        using var _ = ws;
        // The first object without the header is read to prove "absent means none": make that one a tagged one.
        foreach (var key in CopyRun.Keys(_s3, b.Name))
            _s3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = b.Name, Key = key, Tagging = new Tagging { TagSet = new List<Tag> { new() { Key = "team", Value = "media" } } } }).GetAwaiter().GetResult();
        using var proxy = new HiddenTagsProxy(_moto.EndpointUrl);
        var run = CopyThrough(proxy, b, ws);
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        Assert.True(proxy.ByKind.GetValueOrDefault("GET tagging") >= Untagged + Tagged, "every source's tags read");
        foreach (var row in CopyRun.Journal(ws.Path))
            Assert.Equal("media", CopyRun.Tags(_s3, row.TargetBucket, row.TargetKey)["team"]);
    }
}
