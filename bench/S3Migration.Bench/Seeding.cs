using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Bench;

/// <summary>The same data for every tool, and the check afterwards that every destination object equals its source.</summary>
static class Seeding
{
    public static (string Bucket, List<(string Key, string TargetKey, string Md5)> Objects) Seed(IAmazonS3 s3, string bucket, int n, Options opt)
    {
        var b = new TestBucket(s3, bucket);
        var objects = new System.Collections.Concurrent.ConcurrentBag<(string, string, string)>();
        string[] ext = { "mp3", "mp4", "pdf", "srt", "jpg" };
        string[] type = { "audio", "video", "documents", "transcripts", "images" };
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var person = i % 200 + 1;
            var key = $"{person}_Person{person}/file{i:00000}.{ext[i % 5]}";
            var md5 = b.Put(key, TestBucket.RandomBytes(opt.Size, i));
            objects.Add((key, $"{type[i % 5]}/{person}_Person{person}_file{i:00000}.{ext[i % 5]}", md5));
        });
        for (var m = 0; m < opt.Multipart; m++)
        {
            var key = $"{m + 1}_Person{m + 1}/lecture{m}.mp4";
            objects.Add((key, $"video/{m + 1}_Person{m + 1}_lecture{m}.mp4", b.PutMultipart(key, TestBucket.RandomBytes(Options.MultipartBytes, 1000 + m))));
        }
        return (bucket, objects.ToList());
    }

    /// <summary>"k/n": how many sources have a destination whose ETag is the source's MD5 (or a multipart ETag).</summary>
    public static string Verify(IAmazonS3 s3, (string Bucket, List<(string Key, string TargetKey, string Md5)> Objects) src, Result r)
    {
        var etags = new Dictionary<string, string>();
        var req = new ListObjectsV2Request { BucketName = r.DestinationBucket };
        do
        {
            var page = s3.ListObjectsV2Async(req).GetAwaiter().GetResult();
            foreach (var o in page.S3Objects ?? new()) etags[o.Key] = o.ETag.Trim('"');
            req.ContinuationToken = page.NextContinuationToken;
        } while (req.ContinuationToken != null);
        var ok = 0;
        foreach (var (key, target, md5) in src.Objects)
            if (etags.TryGetValue(r.ByTarget ? target : key, out var e) && (e == md5 || e.Contains('-'))) ok++;
        return $"{ok}/{src.Objects.Count}";
    }
}
