using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.S3;

namespace S3Migration.Phases.Copy
{
    /// <summary>
    /// A source's own tags, read (GetObjectTagging) only where its HEAD says it has some. S3 sends x-amz-tagging-count
    /// only when an object has tags, and only to a caller allowed to read them (s3:GetObjectTagging). So an absent header
    /// means "no tags" only once this caller is known to be allowed: that is asked once per source bucket, by reading the
    /// tags of the first object whose HEAD had no header.
    /// - Allowed, and that object really has none: an absent header means no tags for the rest of the run (no request).
    /// - Refused (AccessDenied), or tags found although the HEAD did not say so (a server that never sends the header):
    ///   the header proves nothing there, and every object of the bucket is asked, as before. A caller without the
    ///   permission then fails each copy that would set tags, rather than silently dropping the source's; with
    ///   -NoMigrationTags the CopyObject copies the tags itself (TaggingDirective=COPY), which S3 refuses without it too.
    /// </summary>
    public sealed class SourceTags
    {
        private readonly IAmazonS3 _s3;
        private readonly S3Calls _calls;
        /// <summary>Per source bucket: whether an absent x-amz-tagging-count may be read as "no tags".</summary>
        private readonly ConcurrentDictionary<string, Lazy<Task<bool>>> _absentMeansNone = new ConcurrentDictionary<string, Lazy<Task<bool>>>(StringComparer.Ordinal);

        public SourceTags(IAmazonS3 s3, S3Calls calls) { _s3 = s3; _calls = calls; }

        public async Task<List<KeyValuePair<string, string>>> ReadAsync(S3Location source, ObjectFacts head, RetryCount retries, CancellationToken ct)
        {
            if (head.TagCount > 0 || (head.TagCount == null && !await AbsentMeansNoneAsync(source, retries, ct).ConfigureAwait(false)))
                return await ObjectTags.ReadAsync(_s3, _calls, source, retries, ct).ConfigureAwait(false);
            return new List<KeyValuePair<string, string>>();
        }

        private async Task<bool> AbsentMeansNoneAsync(S3Location probe, RetryCount retries, CancellationToken ct)
        {
            while (true)
            {
                var mine = new Lazy<Task<bool>>(() => ProbeAsync(probe, retries, ct));
                var asked = _absentMeansNone.GetOrAdd(probe.Bucket, mine);
                try { return await asked.Value.ConfigureAwait(false); }
                catch (Exception) when (!ReferenceEquals(asked, mine) && !ct.IsCancellationRequested)
                {
                    // Another object's probe failed (it was deleted meanwhile, a network error): that object fails,
                    // this one asks again with its own.
                    _absentMeansNone.TryRemove(new KeyValuePair<string, Lazy<Task<bool>>>(probe.Bucket, asked));
                }
                catch (Exception)
                {
                    _absentMeansNone.TryRemove(new KeyValuePair<string, Lazy<Task<bool>>>(probe.Bucket, asked));
                    throw;
                }
            }
        }

        private async Task<bool> ProbeAsync(S3Location at, RetryCount retries, CancellationToken ct)
        {
            try { return (await ObjectTags.ReadAsync(_s3, _calls, at, retries, ct).ConfigureAwait(false)).Count == 0; }
            catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.Forbidden || ex.ErrorCode == "AccessDenied") { return false; }
        }
    }
}
