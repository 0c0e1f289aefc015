namespace S3Migration.Model
{
    /// <summary>
    /// Why an item did not end Verified, set where the failure happens and journaled in its own column, so the
    /// reports, the error ids and the lessons learned group failures by this value and never by reading the Notes
    /// (which are for people and may be reworded).
    /// </summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum FailureReason
    {
        None,
        /// <summary>Two sources for one key, or a target that holds other content.</summary>
        Conflict,
        /// <summary>The source is in GLACIER or DEEP_ARCHIVE (or an archive tier) and must be restored first.</summary>
        SourceArchived,
        /// <summary>The source's ETag or size is no longer what the inventory or the copy saw.</summary>
        SourceChanged,
        /// <summary>The source no longer exists.</summary>
        SourceMissing,
        /// <summary>Transient failures (throttling, 5xx, dropped connections) outlasted the retries.</summary>
        GaveUp,
        /// <summary>S3 refused the request; the code (AccessDenied, NoSuchBucket, ...) is in the result's ErrorCode.</summary>
        S3Error,
        /// <summary>The copy was made but did not prove equal to its source.</summary>
        VerificationMismatch,
        /// <summary>Anything else; the Notes say what.</summary>
        Other,
    }
}
