using Amazon.S3;
using Amazon.S3.Model;
using System.Text;
using S3Migration.Workspace;
using S3Migration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace S3Migration.Tests.Integration.S3;

/// <summary>
/// What the integrity check of a whole migration costs in S3 requests, counted at a loopback proxy: 300 small copies of
/// 30 people in 3 type folders. The default check decides from the listings; -Verify Head adds one HEAD per copy.
/// </summary>
[Collection(S3Collection.Name)]
public class IntegrityRequestCountTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    private readonly ITestOutputHelper _out;
    public IntegrityRequestCountTests(MotoServer moto, ITestOutputHelper output) { _moto = moto; _s3 = moto.CreateClient(); _out = output; }

    private static readonly string[] Extensions = { "mp3", "pdf", "jpg" };

    private (TestBucket Bucket, TempDir Dir) Migrated(string stem)
    {
        var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName(stem));
        for (var p = 0; p < 30; p++) for (var f = 0; f < 10; f++) b.Put($"{p}_P{p}/f{f}.{Extensions[f % 3]}", new string('x', 100 + f));
        var run = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint | Out-Null",
            ("bucket", b.Name), ("ws", dir.Path));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        return (b, dir);
    }

    private (LoopbackProxy Proxy, IntegritySummary Summary, List<IntegrityResult> Results) Count(string ws, string extra = "")
    {
        var proxy = new LoopbackProxy(_moto.EndpointUrl);
        var r = CopyRun.Pipe(_moto, $"Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $proxy -WarningAction SilentlyContinue {extra}", ("ws", ws), ("proxy", proxy.EndpointUrl));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        _out.WriteLine($"Test-MigrationIntegrity {extra}: {proxy.Requests} requests for 300 copies: " + string.Join(", ", proxy.ByKind.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}")));
        var results = r.Objects<IntegrityResult>().ToList();
        return (proxy, IntegritySummaryOf(results), results);
    }

    private static IntegritySummary IntegritySummaryOf(List<IntegrityResult> results) =>
        new() { Verified = results.Count(x => x.Status == IntegrityStatus.Verified), Mismatch = results.Count(x => x.Status == IntegrityStatus.Mismatch), Missing = results.Count(x => x.Status == IntegrityStatus.Missing) };

    [Fact]
    public void The_check_of_300_copies_in_3_type_folders_lists_them_and_sends_no_HEAD_while_Verify_Head_sends_one_a_copy()
    {
        var (b, dir) = Migrated("ichk");
        using var _ = dir;
        var (listing, summary, results) = Count(dir.Path);
        using (listing)
        {
            Assert.Equal(300, summary.Verified);
            Assert.All(results, r => Assert.Equal("listing", r.CheckedBy));
            Assert.Equal(0, listing.ByKind.GetValueOrDefault("HEAD"));
            Assert.Equal(0, listing.ByKind.GetValueOrDefault("GET tagging"));
            // 3 type folders and the map's other 3 beside them, 30 person folders: one page each.
            Assert.InRange(listing.Requests, 1, 6 + 30);
        }

        var (head, headSummary, headResults) = Count(dir.Path, "-Verify Head");
        using (head)
        {
            Assert.Equal(300, headSummary.Verified);
            Assert.All(headResults, r => Assert.NotEqual("listing", r.CheckedBy));
            Assert.Equal(300, head.ByKind.GetValueOrDefault("HEAD"));
        }
    }

    [Fact]
    public void The_listing_alone_still_finds_a_destination_deleted_or_rewritten_with_other_bytes()
    {
        var (b, dir) = Migrated("ichg");
        using var _ = dir;
        b.Put("audio/1_P1_f0.mp3", new string('y', 100));                 // same size, other bytes: another ETag
        b.Put("documents/2_P2_f1.pdf", new string('x', 50));              // shorter
        _s3.DeleteObjectAsync(b.Name, "images/3_P3_f2.jpg").GetAwaiter().GetResult();
        var (proxy, summary, results) = Count(dir.Path);
        using (proxy)
        {
            IntegrityResult By(string key) => Assert.Single(results, r => r.TargetKey == key);
            Assert.Equal(IntegrityStatus.Mismatch, By("audio/1_P1_f0.mp3").Status);
            Assert.Contains("rewritten", By("audio/1_P1_f0.mp3").Reason);
            Assert.Equal(IntegrityStatus.Mismatch, By("documents/2_P2_f1.pdf").Status);
            Assert.Contains("size 50", By("documents/2_P2_f1.pdf").Reason);
            Assert.Equal(IntegrityStatus.Missing, By("images/3_P3_f2.jpg").Status);
            Assert.Equal(297, summary.Verified);
            // The changed ones were written after their copy was journaled: those two are HEADed, no other.
            Assert.InRange(proxy.ByKind.GetValueOrDefault("HEAD"), 0, 2);
        }
    }

    [Fact]
    public void Headers_rewritten_in_place_a_second_after_the_copy_show_in_the_listing_and_that_copy_is_HEADed()
    {
        var (b, dir) = Migrated("ihdr");
        using var _ = dir;
        // S3 gives LastModified to the second: a rewrite a second after the last journaled copy is later than every copy.
        var last = CopyRun.Journal(dir.Path).Max(r => r.Timestamp).ToUniversalTime();
        var wait = last.AddSeconds(1.2) - DateTime.UtcNow;
        if (wait > TimeSpan.Zero) Thread.Sleep(wait);
        const string key = "audio/4_P4_f3.mp3";
        var before = CopyRun.Head(_s3, b.Name, key).ETag;
        _s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = b.Name, SourceKey = key, DestinationBucket = b.Name, DestinationKey = key,
            MetadataDirective = S3MetadataDirective.REPLACE, ContentType = "text/plain", TaggingDirective = TaggingDirective.COPY,
        }).GetAwaiter().GetResult();
        Assert.Equal(before, CopyRun.Head(_s3, b.Name, key).ETag); // same bytes, same ETag: size and ETag alone would call it unchanged

        var (proxy, summary, results) = Count(dir.Path);
        using (proxy)
        {
            var rewritten = Assert.Single(results, r => r.TargetKey == key);
            Assert.Equal((IntegrityStatus.Mismatch, (bool?)false), (rewritten.Status, rewritten.ContentTypeMatch));
            Assert.Contains("Content-Type", rewritten.Reason);
            Assert.Equal(299, summary.Verified);
            Assert.Equal(1, proxy.ByKind.GetValueOrDefault("HEAD"));
        }
    }

    [Fact]
    public void A_client_clock_ahead_of_S3s_does_not_hide_a_rewrite_in_place_made_soon_after_the_copy()
    {
        var (b, dir) = Migrated("iskw");
        using var _ = dir;
        // Every copy journaled S3's own time of the new object, which is what the listing is compared with.
        var rows = CopyRun.Journal(dir.Path);
        Assert.All(rows, r => Assert.NotNull(r.DestinationLastModified));
        // The client's clock an hour ahead of S3's: its copy_timestamp is later than any rewrite S3 will date.
        var journal = Path.Combine(dir.Path, MigrationJournal.FileName);
        foreach (var r in rows) r.Timestamp = r.Timestamp.AddHours(1);
        File.WriteAllText(journal, string.Join("\n", new[] { Line(JournalRow.Columns) }.Concat(rows.Select(r => Line(r.ToFields())))) + "\n", new UTF8Encoding(false));

        // A second after the last copy (S3's second), the headers of one copy rewritten in place: same bytes, same ETag.
        var last = rows.Max(r => r.DestinationLastModified!.Value);
        var wait = last.AddSeconds(1.2) - DateTime.UtcNow;
        if (wait > TimeSpan.Zero) Thread.Sleep(wait);
        const string key = "documents/5_P5_f4.pdf";
        _s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = b.Name, SourceKey = key, DestinationBucket = b.Name, DestinationKey = key,
            MetadataDirective = S3MetadataDirective.REPLACE, ContentType = "text/plain", TaggingDirective = TaggingDirective.COPY,
        }).GetAwaiter().GetResult();

        var (proxy, summary, results) = Count(dir.Path);
        using (proxy)
        {
            var rewritten = Assert.Single(results, r => r.TargetKey == key);
            Assert.Equal((IntegrityStatus.Mismatch, (bool?)false), (rewritten.Status, rewritten.ContentTypeMatch));
            Assert.Equal(299, summary.Verified);
            Assert.Equal(1, proxy.ByKind.GetValueOrDefault("HEAD"));
        }
    }

    private static string Line(IEnumerable<string> fields) =>
        string.Join(",", fields.Select(f => f.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + f.Replace("\"", "\"\"") + "\"" : f));
}
