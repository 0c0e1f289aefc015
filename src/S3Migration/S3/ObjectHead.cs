using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>HEAD requests turned into <see cref="ObjectFacts"/>.</summary>
    public static class ObjectHead
    {
        /// <summary>The object's facts, or null when it does not exist.</summary>
        public static async Task<ObjectFacts?> GetAsync(IAmazonS3 s3, string bucket, string key, CancellationToken ct)
        {
            GetObjectMetadataResponse r;
            try
            {
                r = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
                {
                    BucketName = bucket, Key = key, ChecksumMode = ChecksumMode.ENABLED,
                }, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return null;
            }
            // S3 always sends an ETag; an answer without one was cut short on the way, and is retried like one.
            if (string.IsNullOrEmpty(r.ETag))
                throw new System.IO.IOException($"HEAD of '{key}' came back without an ETag (an incomplete response)");
            return FromResponse(r);
        }

        /// <summary>The size of part <paramref name="partNumber"/> of a multipart object (HEAD ?partNumber=N).</summary>
        public static async Task<long> PartSizeAsync(IAmazonS3 s3, string bucket, string key, int partNumber, CancellationToken ct)
        {
            var r = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key, PartNumber = partNumber }, ct)
                .ConfigureAwait(false);
            return r.ContentLength;
        }

        public static ObjectFacts FromResponse(GetObjectMetadataResponse r)
        {
            var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (r.Metadata != null)
                foreach (var k in r.Metadata.Keys)
                {
                    var name = k.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase) ? k.Substring("x-amz-meta-".Length) : k;
                    metadata[name] = r.Metadata[k];
                }
            var full = r.ChecksumType?.Value == "FULL_OBJECT"
                ? First(("CRC64NVME", r.ChecksumCRC64NVME), ("CRC32", r.ChecksumCRC32), ("CRC32C", r.ChecksumCRC32C))
                : "";
            return new ObjectFacts
            {
                Size = r.ContentLength,
                LastModified = r.LastModified?.ToUniversalTime(),
                ETag = ETag.Clean(r.ETag),
                ContentType = r.Headers?.ContentType ?? "",
                CacheControl = r.Headers?.CacheControl ?? "",
                ContentDisposition = r.Headers?.ContentDisposition ?? "",
                ContentEncoding = r.Headers?.ContentEncoding ?? "",
                ContentLanguage = r.ContentLanguage ?? r.Headers?.ContentLanguage ?? "",
                Metadata = metadata,
                Encryption = r.ServerSideEncryptionMethod?.Value ?? "",
                KmsKeyId = r.ServerSideEncryptionKeyManagementServiceKeyId ?? "",
                CustomerKey = r.ServerSideEncryptionCustomerMethod != null && r.ServerSideEncryptionCustomerMethod != ServerSideEncryptionCustomerMethod.None,
                StorageClass = r.StorageClass?.Value ?? "STANDARD",
                FullObjectChecksum = full,
                TagCount = r.TagsCount,
                RestoreInProgress = r.RestoreInProgress,
                ArchiveStatus = r.ArchiveStatus?.Value ?? "",
            };
        }

        private static string First(params (string Algorithm, string? Value)[] checksums) =>
            checksums.Where(c => !string.IsNullOrEmpty(c.Value)).Select(c => c.Algorithm + ":" + c.Value).FirstOrDefault() ?? "";
    }
}
