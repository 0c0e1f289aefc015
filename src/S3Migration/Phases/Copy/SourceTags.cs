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
    /// only when an object has tags, and only to a caller allowed to read them (s3:GetObjectTagging); some S3-compatible
    /// servers never send it. So an absent header means "no tags" only once both are shown, per source bucket, by its
    /// first object without the header (the probe):
    /// 1. its tags are read: refused (AccessDenied) or some found, the header proves nothing there, and every object of
    ///    the bucket is read as before. A caller without the permission then fails each copy that would set tags rather
    ///    than silently drop the source's; with -NoMigrationTags, CopyObject copies the tags itself
    ///    (TaggingDirective=COPY), which S3 refuses without the permission too;
    /// 2. none found, its copy (which carries the migration's tags) is HEADed once: only a HEAD that shows the header
    ///    proves that this server says when an object has tags. Then an absent header means none for the rest of the run.
    /// Until then, every object without the header is read, as before.
    /// </summary>
    public sealed class SourceTags
    {
        private enum Trust { Unknown, Probing, AbsentMeansNone, ReadEach }

        private readonly IAmazonS3 _s3;
        private readonly S3Calls _calls;
        private readonly ConcurrentDictionary<string, Trust> _buckets = new ConcurrentDictionary<string, Trust>(StringComparer.Ordinal);

        public SourceTags(IAmazonS3 s3, S3Calls calls) { _s3 = s3; _calls = calls; }

        /// <returns>the source's tags, and whether this item is its bucket's probe: then it must call <see cref="ProveAsync"/> or <see cref="Release"/></returns>
        public async Task<(List<KeyValuePair<string, string>> Tags, bool Probe)> ReadAsync(S3Location source, ObjectFacts head, RetryCount retries, CancellationToken ct)
        {
            if (head.TagCount > 0) return (await ReadAsync(source, retries, ct).ConfigureAwait(false), false);
            if (head.TagCount == 0) return (new List<KeyValuePair<string, string>>(), false);
            var trust = _buckets.GetOrAdd(source.Bucket, Trust.Unknown);
            if (trust == Trust.AbsentMeansNone) return (new List<KeyValuePair<string, string>>(), false);
            if (trust != Trust.Unknown || !_buckets.TryUpdate(source.Bucket, Trust.Probing, Trust.Unknown))
                return (await ReadAsync(source, retries, ct).ConfigureAwait(false), false);
            List<KeyValuePair<string, string>> tags;
            try { tags = await ReadAsync(source, retries, ct).ConfigureAwait(false); }
            catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.Forbidden || ex.ErrorCode == "AccessDenied")
            {
                _buckets[source.Bucket] = Trust.ReadEach;
                throw;
            }
            catch (Exception)
            {
                Release(source.Bucket);
                throw;
            }
            if (tags.Count == 0) return (tags, true);
            _buckets[source.Bucket] = Trust.ReadEach; // tags the HEAD did not announce
            return (tags, false);
        }

        /// <summary>
        /// The probe's copy is verified: whether a HEAD of it shows the header for the tags the copy set decides what an
        /// absent header means in its source's bucket.
        /// </summary>
        /// <param name="headerShown">what the verification's HEAD of the copy showed; null when it made none (then one is made here)</param>
        public async Task ProveAsync(string sourceBucket, S3Location copy, bool? headerShown, int tagsSet, CancellationToken ct)
        {
            if (tagsSet == 0) { _buckets[sourceBucket] = Trust.ReadEach; return; } // nothing the header could show
            try
            {
                if (headerShown == null)
                {
                    var copied = await _calls.Run(() => ObjectHead.GetAsync(_s3, copy.Bucket, copy.Key, ct), new RetryCount(), ct).ConfigureAwait(false);
                    if (copied != null) headerShown = copied.TagCount > 0;
                }
            }
            catch (Exception) when (!ct.IsCancellationRequested) { /* no proof: another object probes */ }
            if (headerShown != null) _buckets[sourceBucket] = headerShown.Value ? Trust.AbsentMeansNone : Trust.ReadEach;
            Release(sourceBucket);
        }

        /// <summary>The probe ended without proof (failed, skipped, a conflict): the next object without the header probes.</summary>
        public void Release(string sourceBucket) => _buckets.TryUpdate(sourceBucket, Trust.Unknown, Trust.Probing);

        private Task<List<KeyValuePair<string, string>>> ReadAsync(S3Location at, RetryCount retries, CancellationToken ct) =>
            ObjectTags.ReadAsync(_s3, _calls, at, retries, ct);
    }
}
