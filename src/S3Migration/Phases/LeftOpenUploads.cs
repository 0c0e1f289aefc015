using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases
{
    /// <summary>
    /// Aborts the multipart uploads a killed copy or backup left open (parts billed, invisible in listings), as the
    /// workspace's multipart_uploads.csv names them: run by Copy-PersonFiles and Backup-MigrationSource before they copy,
    /// and by Undo-Migration.
    /// </summary>
    public static class LeftOpenUploads
    {
        /// <summary>How far before its announcement an open upload of the same key still counts as this one (clock skew).</summary>
        private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

        /// <summary>
        /// Aborts every upload the log left open: an upload id announced and never closed, and for an announcement whose
        /// upload id never reached the log (the kill came in between), each upload of that very key that S3 lists as
        /// started since the announcement. Each one settled is logged closed. Returns "s3://bucket/key (upload id)" of each
        /// upload aborted. With <paramref name="dryRun"/> nothing is aborted or written: it says what would be.
        /// </summary>
        public static Task<List<string>> AbortAsync(S3Session s3, string workspace, bool dryRun, CancellationToken ct) =>
            AbortAsync(s3.Client, workspace, dryRun, ct);

        public static async Task<List<string>> AbortAsync(IAmazonS3 s3, string workspace, bool dryRun, CancellationToken ct)
        {
            var aborted = new List<string>();
            var left = MultipartUploadLog.ReadLeftOpen(workspace);
            var log = dryRun ? null : new MultipartUploadLog(workspace);
            foreach (var o in left.Opened)
                if (await AbortOneAsync(s3, o.Target, o.UploadId, log, ct).ConfigureAwait(false)) aborted.Add($"{o.Target} ({o.UploadId})");
            foreach (var a in left.Announced)
            {
                foreach (var u in await MultipartUploads.OfKeyAsync(s3, a.Target, ct).ConfigureAwait(false))
                {
                    if (left.Named.Contains(u.UploadId)) continue;
                    if (u.Initiated is { } started && started.ToUniversalTime() < a.At - Skew) continue; // older than the announcement: not this run's
                    if (await AbortOneAsync(s3, a.Target, u.UploadId, log, ct).ConfigureAwait(false)) aborted.Add($"{a.Target} ({u.UploadId})");
                }
                log?.Settled(a.Target.Bucket, a.Target.Key, ""); // the announcement is settled
            }
            return aborted;
        }

        /// <summary>
        /// True when the upload was open (and, unless a dry run (no <paramref name="log"/>), is aborted now); false when S3
        /// no longer has it. Either way it is logged closed.
        /// </summary>
        private static async Task<bool> AbortOneAsync(IAmazonS3 s3, S3Location target, string uploadId, MultipartUploadLog? log, CancellationToken ct)
        {
            if (log == null) return true;
            var wasOpen = await MultipartUploads.AbortAsync(s3, target, uploadId, ct).ConfigureAwait(false);
            log.Settled(target.Bucket, target.Key, uploadId);
            return wasOpen;
        }
    }
}
