using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>
    /// Uploads local backup files to S3 (plan phase 1, "Upload backup to S3 backup location") and proves each upload:
    /// the request carries Content-MD5, so S3 refuses a body damaged on the way, and a HEAD afterwards must show the
    /// file's size and an ETag equal to its MD5. An existing object of that key is never overwritten.
    /// </summary>
    public static class BackupUploader
    {
        /// <param name="prefix">the key prefix, normalized by the caller ("" or ending with '/')</param>
        public static Task<List<string>> UploadAsync(S3Session s3, string bucket, string prefix, IEnumerable<string> files, CancellationToken ct) =>
            UploadAsync(s3.Client, bucket, prefix, files, ct);

        public static async Task<List<string>> UploadAsync(IAmazonS3 s3, string bucket, string prefix, IEnumerable<string> files, CancellationToken ct)
        {
            var uploaded = new List<string>();
            foreach (var file in files)
            {
                var key = prefix + Path.GetFileName(file);
                var bytes = File.ReadAllBytes(file);
                var md5 = Hex.Lower(MD5.HashData(bytes));
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
                        MD5Digest = Convert.ToBase64String(Convert.FromHexString(md5)),
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

        /// <summary>Single PutObject up to this size; larger files go up in parts (S3's single-request limit is 5 GiB).</summary>
        public const long SinglePartLimit = S3Limits.SingleRequestLimit;
        /// <summary>The part size of multipart uploads, fixed so the expected multipart ETag can be computed locally.</summary>
        public const long UploadPartSize = 64L * 1024 * 1024;

        /// <summary>
        /// Uploads one file in <paramref name="storageClass"/> and proves it as the backups are proved: a single-part
        /// upload carries Content-MD5 (S3 refuses a damaged body) and a HEAD must show the file's size and its MD5 as
        /// ETag; a multipart upload (above <paramref name="singlePartLimit"/>) must show the multipart ETag computed
        /// from the file's part MD5s. With SSE-KMS the ETag is no MD5, so only the size and S3's Content-MD5 check stand
        /// (said in the returned note). An existing object of that key with other content is never overwritten.
        /// </summary>
        /// <returns>the HEAD of the uploaded object and a note on how it was verified</returns>
        public static Task<(ObjectFacts Head, string Note)> UploadFileAsync(S3Session s3, string bucket, string key, string file, string storageClass,
            string contentType, CancellationToken ct) => UploadFileAsync(s3.Client, bucket, key, file, storageClass, contentType, ct);

        public static async Task<(ObjectFacts Head, string Note)> UploadFileAsync(IAmazonS3 s3, string bucket, string key, string file, string storageClass,
            string contentType, CancellationToken ct, long singlePartLimit = SinglePartLimit, long partSize = UploadPartSize)
        {
            var size = new FileInfo(file).Length;
            var multipart = size > singlePartLimit;
            var (md5, partsEtag) = FileMd5s(file, partSize);
            var expected = multipart ? partsEtag : md5;
            try
            {
                if (await ObjectHead.GetAsync(s3, bucket, key, ct).ConfigureAwait(false) is { } existing)
                {
                    if (existing.Size == size && (existing.ETag == md5 || existing.ETag == partsEtag))
                        return (existing, "already uploaded with the same content; not uploaded again");
                    throw new MigrationException("UploadExists", MigrationErrorKind.WriteError, $"s3://{bucket}/{key} already exists with other content; it is never overwritten.", target: key);
                }
                if (!multipart)
                {
                    using var body = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read);
                    await s3.PutObjectAsync(new PutObjectRequest
                    {
                        BucketName = bucket, Key = key, InputStream = body, AutoCloseStream = false, ContentType = contentType,
                        StorageClass = S3StorageClass.FindValue(storageClass), MD5Digest = Convert.ToBase64String(Convert.FromHexString(md5)),
                    }, ct).ConfigureAwait(false);
                }
                else
                {
                    using var transfer = new TransferUtility(s3, new TransferUtilityConfig { MinSizeBeforePartUpload = singlePartLimit });
                    await transfer.UploadAsync(new TransferUtilityUploadRequest
                    {
                        BucketName = bucket, Key = key, FilePath = file, PartSize = partSize, ContentType = contentType,
                        StorageClass = S3StorageClass.FindValue(storageClass),
                    }, ct).ConfigureAwait(false);
                }
                var head = await ObjectHead.GetAsync(s3, bucket, key, ct).ConfigureAwait(false);
                if (head == null || head.Size != size)
                    throw new MigrationException("UploadUnverified", MigrationErrorKind.WriteError,
                        $"s3://{bucket}/{key} does not show the file's size after the upload ({head?.Size} bytes, expected {size}).", target: key);
                if (head.ETag == expected)
                    return (head, multipart ? $"verified: size and multipart ETag {expected} computed from the file" : "verified: size and ETag equal to the file's MD5");
                if (head.Encryption.StartsWith("aws:kms", StringComparison.Ordinal) || head.CustomerKey)
                    return (head, $"verified by size only plus S3's Content-MD5 check on receipt: with {head.Encryption} encryption the ETag is no MD5");
                throw new MigrationException("UploadUnverified", MigrationErrorKind.WriteError,
                    $"s3://{bucket}/{key} shows ETag {head.ETag} after the upload, not the file's {expected}.", target: key);
            }
            catch (AmazonS3Exception ex)
            {
                throw S3Errors.ForBucket(ex, bucket, "the upload location");
            }
        }

        /// <summary>The file's MD5 and its multipart ETag for <paramref name="partSize"/> parts (MD5 of the part MD5s, "-N"), in one read.</summary>
        public static (string Md5, string MultipartETag) FileMd5s(string file, long partSize)
        {
            using var whole = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            using var ofParts = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            using var part = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            var buffer = new byte[1 << 16];
            long inPart = 0; var parts = 0;
            using (var st = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                int n;
                while ((n = st.Read(buffer, 0, (int)Math.Min(buffer.Length, partSize - inPart))) > 0)
                {
                    whole.AppendData(buffer, 0, n);
                    part.AppendData(buffer, 0, n);
                    inPart += n;
                    if (inPart == partSize) EndPart();
                }
            }
            if (inPart > 0 || parts == 0) EndPart();
            return (Hex.Lower(whole.GetHashAndReset()), Hex.Lower(ofParts.GetHashAndReset()) + "-" + parts);

            void EndPart()
            {
                ofParts.AppendData(part.GetHashAndReset());
                inPart = 0; parts++;
            }
        }
    }
}
