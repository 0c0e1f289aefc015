namespace S3Migration.Model
{
    /// <summary>
    /// What S3 answered to a copy it completed: the new object's ETag, which S3 computed over what it stored, and the
    /// encryption it applied (SSE-KMS, also from a bucket default, makes that ETag no MD5).
    /// </summary>
    /// <param name="Multipart">written by UploadPartCopy: the ETag is the MD5 of the parts' MD5s, not of the content</param>
    /// <param name="LastModified">S3's time of the new object (CopyObject's answer says it; CompleteMultipartUpload's does not: null)</param>
    public sealed record CopyReceipt(string ETag, string Encryption, bool Multipart, System.DateTime? LastModified = null);
}
