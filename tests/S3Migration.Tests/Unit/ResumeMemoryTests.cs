using System.Text;
using Xunit.Abstractions;
using Amazon.Runtime;
using Amazon.S3;
using S3Migration.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit;

/// <summary>Memory measurements run alone: a parallel test's allocations would blur a retained-bytes figure.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "Memory";
}

/// <summary>
/// Issue 13: Get-MigrationInventory and Copy-PersonFiles over a million keys, also on a re-run after a migration, in
/// flat memory. Every structure that holds one entry per key (the destination index of the inventory and of the copy,
/// the copy's claims on target keys, the journal's verified rows a re-run skips by) is measured the same way: what it
/// retains for N keys and for 10N, so its cost per key is the difference over 9N (no timing is asserted). Before, these
/// held the keys, ETags and whole journal rows as strings: measured here at 301 bytes a destination object, 381 a claim and
/// 1,340 a verified row. The bounds leave room for a dictionary's slack (it doubles when full, so a measure taken just after
/// it grew counts up to twice the entry). The figures are in docs/BENCHMARKS.md.
/// </summary>
[Collection(MemoryCollection.Name)]
public class ResumeMemoryTests(ITestOutputHelper output)
{
    private const int N = 40_000;

    private static string Key(int i) => $"audio/{i}_Person_Number_{i}_interview-recording-{i:000000}.mp3";
    private static string Md5Of(int i) => i.ToString("x32");

    /// <summary>Bytes retained per key: what <paramref name="build"/> holds for 10N keys less what it holds for N, over 9N.</summary>
    private static double BytesPerKey(Func<int, object> build)
    {
        long Retained(int n)
        {
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var held = build(n);
            var after = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(held);
            (held as IDisposable)?.Dispose();
            return after - before;
        }
        Retained(N); // warm up: code and static tables are not the keys' cost
        var small = Retained(N);
        var large = Retained(10 * N);
        return (large - small) / (9.0 * N);
    }

    [Fact]
    public void The_destination_index_holds_under_128_bytes_a_key_and_gives_back_each_size_and_etag()
    {
        var perKey = BytesPerKey(n =>
        {
            var index = new DestinationIndex();
            for (var i = 0; i < n; i++) index.Add(Key(i), i, "\"" + Md5Of(i) + (i % 7 == 0 ? "-3" : "") + "\"");
            return index;
        });
        output.WriteLine($"destination index: {perKey:N1} bytes a key");
        Assert.True(perKey < 128, $"the destination index retains {perKey:N0} bytes a key");

        var small = new DestinationIndex();
        for (var i = 0; i < 1000; i++) small.Add(Key(i), i, "\"" + Md5Of(i) + (i % 7 == 0 ? "-3" : "") + "\"");
        small.Add("video/odd.mp4", 5, "W/\"not-an-md5\"");
        small.Add("video/upper.mp4", 6, "\"0123456789ABCDEF0123456789ABCDEF\"");
        Assert.True(small.TryGet(Key(7), out var size, out var etag));
        Assert.Equal((7L, Md5Of(7) + "-3"), (size, etag));
        Assert.True(small.TryGet(Key(8), out size, out etag));
        Assert.Equal((8L, Md5Of(8)), (size, etag));
        Assert.True(small.TryGet("video/odd.mp4", out _, out etag));
        Assert.Equal(ETag.Clean("W/\"not-an-md5\""), etag);
        Assert.True(small.TryGet("video/upper.mp4", out _, out etag));
        Assert.Equal("0123456789abcdef0123456789abcdef", etag);
        Assert.False(small.TryGet(Key(1000), out _, out _));
        Assert.Equal(1002, small.Count);
    }

    [Fact]
    public void Claims_on_target_keys_hold_under_100_bytes_a_key_and_still_refuse_a_second_source()
    {
        using var s3 = new AmazonS3Client(new AnonymousAWSCredentials(), new AmazonS3Config { ServiceURL = "http://127.0.0.1:9" });
        var perKey = BytesPerKey(n =>
        {
            var catalog = new DestinationCatalog(new S3Lister(s3, "nowhere"));
            for (var i = 0; i < n; i++) Assert.True(catalog.Claim("media", Key(i), $"s3://media/{i}_Person_Number_{i}/interview-recording-{i:000000}.mp3"));
            return catalog;
        });
        output.WriteLine($"claims: {perKey:N1} bytes a key");
        Assert.True(perKey < 100, $"the claims retain {perKey:N0} bytes a key");

        var c = new DestinationCatalog(new S3Lister(s3, "nowhere"));
        Assert.True(c.Claim("media", Key(1), "s3://media/1_A/a.mp3"));
        Assert.True(c.Claim("media", Key(1), "s3://media/1_A/a.mp3"));
        Assert.False(c.Claim("media", Key(1), "s3://media/1_A/b.mp3"));
        Assert.True(c.Claim("other", Key(1), "s3://media/1_A/b.mp3"));
    }

    /// <summary>A journal of <paramref name="rows"/> verified copies (and one failed attempt that withdraws row 3's).</summary>
    private static void WriteJournal(string ws, int rows)
    {
        Directory.CreateDirectory(ws);
        var path = Path.Combine(ws, MigrationJournal.FileName);
        if (File.Exists(path)) File.Delete(path);
        static JournalRow Row(int i, string status) => new()
        {
            RowId = i.ToString(), PersonName = $"Person_Number_{i}", OldPath = $"s3://media/{i}_Person_Number_{i}/interview-recording-{i:000000}.mp3",
            NewPath = $"s3://media/{Key(i)}", FileType = "audio", Size = i, Md5 = Md5Of(i), Timestamp = new DateTime(2026, 12, 3, 0, 0, 0, DateTimeKind.Utc),
            VerificationStatus = status, SourceETag = Md5Of(i), DestinationETag = Md5Of(i), ContentType = "audio/mpeg", VerifiedBy = "etag", Attempts = 1,
            Result = status == JournalRow.Verified ? "Verified" : "Failed", Error = status == JournalRow.Verified ? "" : "the source changed, \"twice\"\nsee above",
        };
        static string Quoted(string f) => f.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0 ? f : "\"" + f.Replace("\"", "\"\"") + "\"";
        using (var w = new StreamWriter(path, append: false, new UTF8Encoding(false)))
        {
            w.Write(string.Join(",", JournalRow.Columns) + "\n");
            for (var i = 0; i < rows; i++) w.Write(string.Join(",", Row(i, JournalRow.Verified).ToFields().Select(Quoted)) + "\n");
        }
        using (var j = MigrationJournal.Open(ws)) j.Append(Row(3, JournalRow.Failed));
    }

    [Fact]
    public void A_reruns_journal_of_verified_copies_holds_under_80_bytes_a_row_and_still_says_what_was_verified()
    {
        using var dir = new TempDir();
        WriteJournal(dir.File("small"), N);
        WriteJournal(dir.File("large"), 10 * N);
        var perRow = BytesPerKey(n =>
        {
            var j = MigrationJournal.Open(dir.File(n == N ? "small" : "large"));
            Assert.Equal(n - 1, j.Verified.Count);
            return j;
        });
        output.WriteLine($"journal's verified rows: {perRow:N1} bytes a row");
        Assert.True(perRow < 80, $"the journal's verified rows retain {perRow:N0} bytes a row");

        using var last = MigrationJournal.Open(dir.File("large"));
        var source = "s3://media/77_Person_Number_77/interview-recording-000077.mp3";
        Assert.True(last.Verified.TryGetValue(source, out var row));
        Assert.Equal((source, $"s3://media/{Key(77)}", 77L, Md5Of(77), JournalRow.Verified), (row!.OldPath, row.NewPath, row.Size, row.DestinationETag, row.VerificationStatus));
        Assert.False(last.Verified.ContainsKey("s3://media/3_Person_Number_3/interview-recording-000003.mp3"));
        Assert.False(last.Verified.ContainsKey("s3://media/nowhere.mp3"));
    }
}
