using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Location = S3Migration.Model.S3Location;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>A multipart upload S3 lists as open: its target, its upload id and when it was started.</summary>
    public readonly record struct OpenMultipartUpload(S3Location Target, string UploadId, DateTime? Initiated);

    /// <summary>The raw listing and abort of multipart uploads, for the uploads a killed copy left open.</summary>
    public static class MultipartUploads
    {
        /// <summary>The uploads S3 lists as open for exactly this key (ListMultipartUploads by the key as prefix, one page).</summary>
        public static async Task<List<OpenMultipartUpload>> OfKeyAsync(IAmazonS3 s3, S3Location target, CancellationToken ct)
        {
            var listed = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = target.Bucket, Prefix = target.Key }, ct).ConfigureAwait(false);
            return (listed.MultipartUploads ?? new List<MultipartUpload>()).Where(u => u.Key == target.Key)
                .Select(u => new OpenMultipartUpload(target, u.UploadId, u.Initiated)).ToList();
        }

        /// <summary>Aborts one upload: true when it was open, false when S3 no longer has it.</summary>
        public static async Task<bool> AbortAsync(IAmazonS3 s3, S3Location target, string uploadId, CancellationToken ct)
        {
            try
            {
                await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = target.Bucket, Key = target.Key, UploadId = uploadId }, ct).ConfigureAwait(false);
                return true;
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchUpload" || ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return false;
            }
        }
    }
}
