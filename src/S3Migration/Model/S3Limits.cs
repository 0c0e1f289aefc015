namespace S3Migration.Model
{
    /// <summary>S3's size limits on copies, in one place for the copy settings, the backup options and the cmdlets' parameter validation.</summary>
    public static class S3Limits
    {
        /// <summary>CopyObject (and a single PutObject) takes at most 5 GiB; larger objects go in parts.</summary>
        public const long SingleRequestLimit = 5L * 1024 * 1024 * 1024;
        /// <summary>Every part but the last is at least 5 MiB.</summary>
        public const long MinPartSize = 5L * 1024 * 1024;
        /// <summary>A multipart upload has at most 10,000 parts.</summary>
        public const int MaxParts = 10000;
    }
}
