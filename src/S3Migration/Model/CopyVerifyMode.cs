namespace S3Migration.Model
{
    /// <summary>
    /// How a copy is proven right after it is written (Copy-PersonFiles -Verify). docs/BENCHMARKS.md, "What each
    /// verification mode proves", says what each one proves and costs.
    /// </summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum CopyVerifyMode
    {
        /// <summary>
        /// A HEAD of the destination after every copy: size, ETag or checksum, headers, user metadata and tag count are
        /// read back and compared (one request more per object).
        /// </summary>
        Head,
        /// <summary>
        /// The CopyObject answer's ETag, which S3 computes over the stored copy, equal to the source's MD5 proves the content
        /// of a single-part copy that is not SSE-KMS; headers, metadata and tags were set by that same CopyObject. Where that
        /// answer cannot prove the content (multipart, SSE-KMS, no known MD5), the destination is HEADed as in <see cref="Head"/>.
        /// </summary>
        CopyResponse,
    }
}
