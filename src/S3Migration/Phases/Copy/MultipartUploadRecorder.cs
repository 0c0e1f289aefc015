using S3Migration.Model;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Copy
{
    /// <summary>The copier's multipart uploads, recorded in the workspace's multipart_uploads.csv (S3 does not know the workspace).</summary>
    public sealed class MultipartUploadRecorder : IMultipartUploadRecorder
    {
        private readonly MultipartUploadLog _log;
        public MultipartUploadRecorder(string workspace) => _log = new MultipartUploadLog(workspace);

        public void Announce(S3Location target) => _log.Announce(target.Bucket, target.Key);
        public void Opened(S3Location target, string uploadId) => _log.Opened(target.Bucket, target.Key, uploadId);
        public void Settled(S3Location target, string uploadId) => _log.Settled(target.Bucket, target.Key, uploadId);
    }
}
