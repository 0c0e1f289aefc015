using System.Collections.Concurrent;

namespace S3Migration.Tests.Infrastructure;

/// <summary>
/// The generated bucket of the inventory tests, made once per moto server: four people, every file type,
/// orphans, a folder marker, a sanitizing collision, a GLACIER object, a multipart object, awkward keys,
/// and over 1,000 objects so that listing crosses a page. It is only read by the tests that share it.
/// </summary>
public sealed class SeededBucket
{
    public const string Ada = "101_Ada_Lovelace";
    public const string Alan = "102_Alan Turing";
    public const string Grace = "103_Grace_Hopper";
    public const string NoCsv = "104_No_Csv_Row";
    public const int BulkFiles = 1010;

    private static readonly ConcurrentDictionary<int, Lazy<SeededBucket>> Buckets = new();

    public static SeededBucket For(MotoServer moto) =>
        Buckets.GetOrAdd(moto.Port, _ => new Lazy<SeededBucket>(() => new SeededBucket(moto))).Value;

    public string Name { get; }
    /// <summary>Every key written, with the MD5 of its bytes.</summary>
    public IReadOnlyDictionary<string, string> Md5ByKey => _md5;
    public string MultipartKey => $"{Grace}/lecture.mp4";
    public string GlacierKey => $"{Grace}/archive.mp3";
    public string LongKey { get; } = $"{Ada}/" + new string('l', 1000 - Ada.Length - 1 - 4) + ".pdf";
    public string OddKey => $"{Ada}/odd\tname %41 #1 ?.mp3";
    public string CsvText { get; }

    private readonly ConcurrentDictionary<string, string> _md5 = new(StringComparer.Ordinal);

    private SeededBucket(MotoServer moto)
    {
        Name = TestBucket.UniqueName("inventory");
        var b = new TestBucket(moto.CreateClient(), Name);
        var small = new List<string>();
        foreach (var ext in new[] { "mp3", "m4a", "mp4", "webm", "pdf", "doc", "docx", "srt", "vtt", "jpg", "png", "xyz" })
            small.Add($"{Ada}/file.{ext}");
        small.AddRange(new[]
        {
            LongKey, OddKey, $"{Ada}/nested/deeper/clip.WEBM", $"{Ada}/.hidden",
            $"{Alan}/my song.mp3", $"{Alan}/my+song.mp3", $"{Alan}/café.vtt", $"{Alan}/party🎉.png",
            $"{NoCsv}/lost.mp3", "readme.txt", "misc/notes.txt",
        });
        Parallel.ForEach(small.Concat(Enumerable.Range(0, BulkFiles).Select(i => $"{Grace}/bulk/{i:0000}.jpg")),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            key => _md5[key] = b.Put(key, "content of " + key));
        _md5[$"{Grace}/"] = b.Put($"{Grace}/", Array.Empty<byte>());
        _md5[GlacierKey] = b.Put(GlacierKey, "archived audio", storageClass: "GLACIER");
        _md5[MultipartKey] = b.PutMultipart(MultipartKey, TestBucket.RandomBytes(5 * 1024 * 1024 + 1024, seed: 7));
        CsvText = "row_id,name,s3_audio_url,s3_video_url,s3_transcript_url\n"
                  + $"101,Ada Lovelace,s3://{Name}/{Ada}/file.mp3,s3://{Name}/{Ada}/file.mp4,s3://{Name}/{Ada}/file.srt\n"
                  + $"102,Alan Turing,s3://{Name}/{Alan}/my song.mp3,,\n"
                  + $"103,Grace Hopper,,s3://{Name}/{MultipartKey},\n"
                  + "105,Nobody Here,,,\n";
    }

    public string WriteCsv(TempDir dir)
    {
        var path = dir.File("output.csv");
        File.WriteAllText(path, CsvText);
        return path;
    }
}
