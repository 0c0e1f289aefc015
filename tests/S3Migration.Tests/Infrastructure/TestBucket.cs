using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Migration.Tests.Infrastructure;

/// <summary>Seeds buckets on the moto server with the SDK, as any S3 client would.</summary>
public sealed class TestBucket
{
    private readonly IAmazonS3 _s3;
    public TestBucket(IAmazonS3 s3, string name)
    {
        _s3 = s3; Name = name;
        _s3.PutBucketAsync(new PutBucketRequest { BucketName = name }).GetAwaiter().GetResult();
    }

    public string Name { get; }
    public IAmazonS3 Client => _s3;

    public static string UniqueName(string stem) => $"{stem}-{Guid.NewGuid():N}"[..Math.Min(63, stem.Length + 13)];

    public string Put(string key, string content, string? storageClass = null, string contentType = "application/octet-stream") =>
        Put(key, Encoding.UTF8.GetBytes(content), storageClass, contentType);

    /// <summary>Uploads and returns the hex MD5 of the bytes.</summary>
    public string Put(string key, byte[] content, string? storageClass = null, string contentType = "application/octet-stream")
    {
        var req = new PutObjectRequest { BucketName = Name, Key = key, InputStream = new MemoryStream(content), ContentType = contentType };
        if (storageClass != null) req.StorageClass = S3StorageClass.FindValue(storageClass);
        _s3.PutObjectAsync(req).GetAwaiter().GetResult();
        return Md5(content);
    }

    /// <summary>Uploads in parts (S3's 5 MiB minimum part size) and returns the hex MD5 of all the bytes.</summary>
    public string PutMultipart(string key, byte[] content, int partSize = 5 * 1024 * 1024)
    {
        var init = _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Name, Key = key }).GetAwaiter().GetResult();
        var parts = new List<PartETag>();
        for (int offset = 0, n = 1; offset < content.Length; offset += partSize, n++)
        {
            var len = Math.Min(partSize, content.Length - offset);
            var r = _s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = Name, Key = key, UploadId = init.UploadId, PartNumber = n, PartSize = len,
                InputStream = new MemoryStream(content, offset, len),
            }).GetAwaiter().GetResult();
            parts.Add(new PartETag(n, r.ETag));
        }
        _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Name, Key = key, UploadId = init.UploadId, PartETags = parts,
        }).GetAwaiter().GetResult();
        return Md5(content);
    }

    public void Copy(string sourceKey, string destinationKey) =>
        _s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = Name, SourceKey = sourceKey, DestinationBucket = Name, DestinationKey = destinationKey })
           .GetAwaiter().GetResult();

    public static string Md5(byte[] bytes) => Convert.ToHexString(MD5.HashData(bytes)).ToLowerInvariant();

    public static byte[] RandomBytes(int length, int seed)
    {
        var b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }
}
