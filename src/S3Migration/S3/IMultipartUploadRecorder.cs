using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>
    /// Told of every multipart upload a copy starts, before it is opened and once it is settled, so that an upload a
    /// killed run leaves open (its parts billed, invisible in listings) can be found and aborted by the next run.
    /// </summary>
    public interface IMultipartUploadRecorder
    {
        /// <summary>InitiateMultipartUpload is about to be sent for this target.</summary>
        void Announce(S3Location target);
        void Opened(S3Location target, string uploadId);
        /// <summary>Completed or aborted: nothing left open.</summary>
        void Settled(S3Location target, string uploadId);
    }
}
