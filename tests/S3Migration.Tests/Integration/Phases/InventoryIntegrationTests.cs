using System.Text.Json;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>The inventory against moto's S3, through the plain classes the cmdlet hands its work to.</summary>
[Collection(S3Collection.Name)]
public class InventoryIntegrationTests
{
    private readonly MotoServer _moto;
    private readonly SeededBucket _bucket;

    public InventoryIntegrationTests(MotoServer moto)
    {
        _moto = moto;
        _bucket = SeededBucket.For(moto);
    }

    private InventoryScanner Scanner(InventoryOptions o) =>
        new(S3ClientFactory.Create(new S3ConnectionOptions { EndpointUrl = _moto.EndpointUrl }), o, _moto.EndpointUrl);

    private Dictionary<string, MigrationItem> Inventory(InventoryOptions o) =>
        Scanner(o).ScanAsync(CancellationToken.None).ToBlockingEnumerable().ToDictionary(i => i.SourceKey, StringComparer.Ordinal);

    [Fact]
    public void Every_object_appears_exactly_once_with_its_exact_key_across_pages()
    {
        var scanner = Scanner(new InventoryOptions { Bucket = _bucket.Name });
        var items = scanner.ScanAsync(CancellationToken.None).ToBlockingEnumerable().ToList();
        Assert.True(items.Count > 1000);
        Assert.Equal(_bucket.Md5ByKey.Keys.OrderBy(k => k, StringComparer.Ordinal), items.Select(i => i.SourceKey).OrderBy(k => k, StringComparer.Ordinal));
        Assert.True(scanner.ListRequests >= 3, $"expected several list requests, saw {scanner.ListRequests}");
        Assert.Contains(items, i => i.SourceKey == _bucket.OddKey);
        Assert.Contains(items, i => i.SourceKey == _bucket.LongKey);
    }

    [Fact]
    public void Every_file_type_lands_in_its_folder_with_the_person_in_the_name()
    {
        var items = Inventory(new InventoryOptions { Bucket = _bucket.Name });
        var expected = new Dictionary<string, string>
        {
            ["mp3"] = "audio", ["m4a"] = "audio", ["mp4"] = "video", ["webm"] = "video", ["pdf"] = "documents", ["doc"] = "documents",
            ["docx"] = "documents", ["srt"] = "transcripts", ["vtt"] = "transcripts", ["jpg"] = "images", ["png"] = "images", ["xyz"] = "_unknown",
        };
        foreach (var (ext, type) in expected)
        {
            var i = items[$"{SeededBucket.Ada}/file.{ext}"];
            Assert.Equal(MigrationItemStatus.Planned, i.Status);
            Assert.Equal(type, i.FileType);
            Assert.Equal($"{type}/101_Ada_Lovelace_file.{ext}", i.TargetKey);
            Assert.Equal(_bucket.Md5ByKey[i.SourceKey], i.Md5);
            Assert.Equal(Md5Source.ETag, i.Md5Source);
        }
        Assert.Equal("video/101_Ada_Lovelace_nested_deeper_clip.WEBM", items[$"{SeededBucket.Ada}/nested/deeper/clip.WEBM"].TargetKey);
        Assert.Equal("audio/101_Ada_Lovelace_odd_name_41_1_.mp3", items[_bucket.OddKey].TargetKey);
        Assert.Equal("transcripts/102_Alan_Turing_café.vtt", items[$"{SeededBucket.Alan}/café.vtt"].TargetKey);
        Assert.Equal("images/102_Alan_Turing_party_.png", items[$"{SeededBucket.Alan}/party🎉.png"].TargetKey);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(items[_bucket.LongKey].TargetKey) <= 1024);
    }

    [Fact]
    public void Orphans_collisions_and_archives_are_reported_not_planned()
    {
        using var dir = new TempDir();
        var items = Inventory(new InventoryOptions { Bucket = _bucket.Name, CsvPath = _bucket.WriteCsv(dir) });
        Assert.Equal(MigrationItemStatus.Orphan, items["readme.txt"].Status);
        Assert.Equal(MigrationItemStatus.Orphan, items["misc/notes.txt"].Status);
        Assert.Equal(MigrationItemStatus.Orphan, items[$"{SeededBucket.Grace}/"].Status);
        Assert.Contains("folder marker", items[$"{SeededBucket.Grace}/"].Notes);
        Assert.Equal(MigrationItemStatus.Orphan, items[$"{SeededBucket.NoCsv}/lost.mp3"].Status);
        Assert.Contains("no CSV row", items[$"{SeededBucket.NoCsv}/lost.mp3"].Notes);
        Assert.Equal((OrphanReason.RootFile, OrphanReason.NotAPersonFolder, OrphanReason.FolderMarker, OrphanReason.NoCsvRow),
            (items["readme.txt"].OrphanReason, items["misc/notes.txt"].OrphanReason, items[$"{SeededBucket.Grace}/"].OrphanReason, items[$"{SeededBucket.NoCsv}/lost.mp3"].OrphanReason));
        Assert.Equal(MigrationItemStatus.Conflict, items[$"{SeededBucket.Alan}/my song.mp3"].Status);
        Assert.Equal(MigrationItemStatus.Conflict, items[$"{SeededBucket.Alan}/my+song.mp3"].Status);
        Assert.Contains("my+song.mp3", items[$"{SeededBucket.Alan}/my song.mp3"].Notes);
        var glacier = items[_bucket.GlacierKey];
        Assert.Equal(("GLACIER", true, MigrationItemStatus.Planned), (glacier.StorageClass, glacier.IsArchived, glacier.Status));
        Assert.Contains("restore", glacier.Notes);
    }

    [Fact]
    public void Multipart_md5_is_computed_from_the_bytes_only_when_asked()
    {
        var plain = Inventory(new InventoryOptions { Bucket = _bucket.Name })[_bucket.MultipartKey];
        Assert.True(plain.IsMultipart);
        Assert.Equal((Md5Source.None, ""), (plain.Md5Source, plain.Md5));

        var scanner = Scanner(new InventoryOptions { Bucket = _bucket.Name, ComputeMd5 = true, ThrottleLimit = 4 });
        var items = scanner.ScanAsync(CancellationToken.None).ToBlockingEnumerable().ToDictionary(i => i.SourceKey);
        var multipart = items[_bucket.MultipartKey];
        Assert.Equal(Md5Source.Computed, multipart.Md5Source);
        Assert.Equal(_bucket.Md5ByKey[_bucket.MultipartKey], multipart.Md5);
        Assert.Equal(Md5Source.ETag, items[_bucket.GlacierKey].Md5Source); // single-part: its ETag is its MD5, nothing to read
        Assert.Equal(multipart.Size, scanner.BytesHashed);
    }

    [Fact]
    public void Items_stream_before_the_listing_ends()
    {
        var scanner = Scanner(new InventoryOptions { Bucket = _bucket.Name });
        using var e = scanner.ScanAsync(CancellationToken.None).ToBlockingEnumerable().GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.True(scanner.ObjectsListed < _bucket.Md5ByKey.Count, $"{scanner.ObjectsListed} of {_bucket.Md5ByKey.Count} listed before the first item");
    }

    [Fact]
    public void The_workspace_gets_checksums_and_a_report_that_match_the_items()
    {
        using var dir = new TempDir();
        var ws = Path.Combine(dir.Path, "ws");
        var items = Inventory(new InventoryOptions { Bucket = _bucket.Name, CsvPath = _bucket.WriteCsv(dir), WorkspacePath = ws });

        var lines = File.ReadAllLines(Path.Combine(ws, InventoryChecksumsWriter.FileName));
        Assert.Equal(string.Join(",", InventoryChecksumsWriter.Columns), lines[0]);
        Assert.False(File.Exists(Path.Combine(ws, InventoryChecksumsWriter.FileName + ".partial")));
        using var reader = new CsvHelper.CsvReader(new StreamReader(Path.Combine(ws, InventoryChecksumsWriter.FileName)), System.Globalization.CultureInfo.InvariantCulture);
        var rows = reader.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(items.Count, rows.Count);
        var ada = rows.Single(r => (string)r["key"] == $"{SeededBucket.Ada}/file.mp3");
        Assert.Equal((_bucket.Md5ByKey[$"{SeededBucket.Ada}/file.mp3"], "etag", "Planned"), ((string)ada["md5"], (string)ada["md5_source"], (string)ada["status"]));
        Assert.Contains(rows, r => (string)r["key"] == _bucket.OddKey);
        var lost = rows.Single(r => (string)r["key"] == $"{SeededBucket.NoCsv}/lost.mp3");
        Assert.Equal(("Orphan", "NoCsvRow"), ((string)lost["status"], (string)lost["orphan_reason"]));
        Assert.Equal("", (string)ada["orphan_reason"]);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws, InventoryReport.FileName)));
        var root = json.RootElement;
        Assert.Equal(items.Count, root.GetProperty("totals").GetProperty("objects").GetInt32());
        Assert.Equal(items.Values.Sum(i => i.Size), root.GetProperty("totals").GetProperty("bytes").GetInt64());
        Assert.Equal(items.Values.Count(i => i.Status == MigrationItemStatus.Orphan), root.GetProperty("orphan_count").GetInt32());
        Assert.Equal(items.Values.Count(i => i.Status == MigrationItemStatus.Planned), root.GetProperty("totals").GetProperty("planned").GetProperty("count").GetInt32());
        var rowsWithoutFiles = root.GetProperty("csv_rows_without_files").EnumerateArray().Select(r => r.GetProperty("row_id").GetString()).ToList();
        Assert.Equal(new[] { "105" }, rowsWithoutFiles);
        var persons = root.GetProperty("persons").EnumerateArray().ToDictionary(p => p.GetProperty("row_id").GetString()!);
        Assert.Equal(3, persons["101"].GetProperty("by_type").GetProperty("audio").GetProperty("count").GetInt32()); // file.mp3, file.m4a, odd name
        Assert.False(persons["104"].GetProperty("in_csv").GetBoolean());
        Assert.Equal(SeededBucket.BulkFiles + 1, persons["103"].GetProperty("by_type").GetProperty("images").GetProperty("count").GetInt32() + 1);
    }

    [Fact]
    public void A_second_run_after_the_copy_plans_nothing()
    {
        var b = new TestBucket(_moto.CreateClient(), TestBucket.UniqueName("rerun"));
        b.Put("1_Ann/a.mp3", "a"); b.Put("1_Ann/b.pdf", "b"); b.Put("2_Bo/c.jpg", "c"); b.Put("loose.txt", "l");
        var first = Inventory(new InventoryOptions { Bucket = b.Name });
        Assert.Equal(3, first.Values.Count(i => i.Status == MigrationItemStatus.Planned));
        foreach (var i in first.Values.Where(i => i.Status == MigrationItemStatus.Planned)) b.Copy(i.SourceKey, i.TargetKey);

        var second = Inventory(new InventoryOptions { Bucket = b.Name });
        Assert.DoesNotContain(second.Values, i => i.Status == MigrationItemStatus.Planned);
        Assert.Equal(MigrationItemStatus.Skipped, second["1_Ann/a.mp3"].Status);
        Assert.Contains("already migrated", second["1_Ann/a.mp3"].Notes);
        Assert.Equal(MigrationItemStatus.Skipped, second["audio/1_Ann_a.mp3"].Status);
        Assert.Equal(MigrationItemStatus.Orphan, second["loose.txt"].Status);
    }

    [Fact]
    public void A_destination_holding_other_bytes_is_a_conflict_never_an_overwrite_plan()
    {
        var b = new TestBucket(_moto.CreateClient(), TestBucket.UniqueName("conflict"));
        b.Put("1_Ann/a.mp3", "original");
        b.Put("audio/1_Ann_a.mp3", "somebody else's file");
        var items = Inventory(new InventoryOptions { Bucket = b.Name });
        Assert.Equal(MigrationItemStatus.Conflict, items["1_Ann/a.mp3"].Status);
        Assert.Contains("audio/1_Ann_a.mp3", items["1_Ann/a.mp3"].Notes);
        Assert.Contains("'1_Ann/a.mp3'", items["1_Ann/a.mp3"].Notes);   // both keys, so the operator can compare them
    }

    [Fact]
    public void A_separate_destination_bucket_and_prefix_are_honoured()
    {
        var src = new TestBucket(_moto.CreateClient(), TestBucket.UniqueName("src"));
        var dst = new TestBucket(_moto.CreateClient(), TestBucket.UniqueName("dst"));
        src.Put("people/1_Ann/a.mp3", "a");
        var i = Assert.Single(Inventory(new InventoryOptions { Bucket = src.Name, Prefix = "people", DestinationBucket = dst.Name, DestinationPrefix = "by-type" }).Values);
        Assert.Equal((dst.Name, "by-type/audio/1_Ann_a.mp3", MigrationItemStatus.Planned), (i.TargetBucket, i.TargetKey, i.Status));
    }

    [Fact]
    public void An_empty_bucket_is_an_empty_plan_with_a_report()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_moto.CreateClient(), TestBucket.UniqueName("empty"));
        Assert.Empty(Inventory(new InventoryOptions { Bucket = b.Name, WorkspacePath = dir.Path }));
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File(InventoryReport.FileName)));
        Assert.Equal(0, json.RootElement.GetProperty("totals").GetProperty("objects").GetInt32());
        Assert.Single(File.ReadAllLines(dir.File(InventoryChecksumsWriter.FileName)));
    }

    [Fact]
    public void A_missing_bucket_is_a_clear_error()
    {
        var ex = Assert.Throws<MigrationException>(() => Inventory(new InventoryOptions { Bucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8] }));
        Assert.Equal(("BucketNotFound", MigrationErrorKind.NotFound), (ex.ErrorId, ex.Kind));
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void An_unreachable_endpoint_says_so()
    {
        var endpoint = $"http://127.0.0.1:{MotoServer.FreePort()}";
        var scanner = new InventoryScanner(S3ClientFactory.Create(new S3ConnectionOptions { EndpointUrl = endpoint }), new InventoryOptions { Bucket = "x" }, endpoint);
        var ex = Assert.Throws<MigrationException>(() => scanner.ScanAsync(CancellationToken.None).ToBlockingEnumerable().ToList());
        Assert.Equal(("EndpointUnreachable", MigrationErrorKind.Connection), (ex.ErrorId, ex.Kind));
        Assert.Contains("127.0.0.1", ex.Message);
    }
}
