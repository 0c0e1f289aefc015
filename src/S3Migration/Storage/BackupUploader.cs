using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Csv;
using S3Migration.Planning;

namespace S3Migration.Storage
{
    /// <summary>
    /// Uploads local backup files to S3 (plan phase 1, "Upload backup to S3 backup location") and proves each upload:
    /// the request carries Content-MD5, so S3 refuses a body damaged on the way, and a HEAD afterwards must show the
    /// file's size and an ETag equal to its MD5. An existing object of that key is never overwritten.
    /// </summary>
    public static class BackupUploader
    {
        public static async Task<List<string>> UploadAsync(IAmazonS3 s3, string bucket, string prefix, IEnumerable<string> files, CancellationToken ct)
        {
            var uploaded = new List<string>();
            prefix = TargetKeyBuilder.NormalizePrefix(prefix);
            foreach (var file in files)
            {
                var key = prefix + Path.GetFileName(file);
                var bytes = File.ReadAllBytes(file);
                var md5 = CsvBackup.Md5Hex(bytes);
                try
                {
                    if (await ObjectHead.GetAsync(s3, bucket, key, ct).ConfigureAwait(false) is { } existing)
                    {
                        if (existing.ETag == md5 && existing.Size == bytes.Length) { uploaded.Add($"s3://{bucket}/{key}"); continue; }
                        throw new MigrationException("BackupExists", MigrationErrorKind.WriteError, $"s3://{bucket}/{key} already exists with other content; it is never overwritten.", target: key);
                    }
                    await s3.PutObjectAsync(new PutObjectRequest
                    {
                        BucketName = bucket, Key = key, InputStream = new MemoryStream(bytes),
                        MD5Digest = Convert.ToBase64String(HexToBytes(md5)),
                        ContentType = file.EndsWith(".gz", StringComparison.Ordinal) ? "application/gzip" : file.EndsWith(".md5", StringComparison.Ordinal) ? "text/plain" : "text/csv",
                    }, ct).ConfigureAwait(false);
                    var head = await ObjectHead.GetAsync(s3, bucket, key, ct).ConfigureAwait(false);
                    if (head == null || head.Size != bytes.Length || head.ETag != md5)
                        throw new MigrationException("BackupUploadUnverified", MigrationErrorKind.WriteError,
                            $"s3://{bucket}/{key} does not show the backup's size and MD5 after the upload ({head?.Size} bytes, ETag {head?.ETag}).", target: key);
                }
                catch (AmazonS3Exception ex)
                {
                    throw S3Errors.ForBucket(ex, bucket, "the backup location");
                }
                uploaded.Add($"s3://{bucket}/{key}");
            }
            return uploaded;
        }

        private static byte[] HexToBytes(string hex)
        {
            var b = new byte[hex.Length / 2];
            for (var i = 0; i < b.Length; i++) b[i] = Convert.ToByte(hex.Substring(i * 2, 2), 16);
            return b;
        }
    }
}
