using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>MD5 of an object's content, computed by streaming it (the body passes through, it is not stored).</summary>
    public sealed class ContentHasher
    {
        private readonly IAmazonS3 _s3;
        private long _bytes;
        public ContentHasher(IAmazonS3 s3) { _s3 = s3; }

        /// <summary>Bytes hashed so far, for progress.</summary>
        public long BytesHashed => Interlocked.Read(ref _bytes);

        public async Task<string> ComputeMd5Async(string bucket, string key, long expectedSize, CancellationToken ct)
        {
            using var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, ct).ConfigureAwait(false);
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            var buffer = new byte[1 << 20];
            long total = 0;
            using (var body = response.ResponseStream)
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false)) > 0)
                {
                    md5.AppendData(buffer, 0, read);
                    total += read;
                    Interlocked.Add(ref _bytes, read);
                }
            }
            if (total != expectedSize)
                throw new MigrationException("SizeChanged", MigrationErrorKind.InvalidData,
                    $"'{key}' returned {total} bytes but was listed with {expectedSize}; it changed during the inventory.", target: key);
            return Hex.Lower(md5.GetHashAndReset());
        }
    }
}
