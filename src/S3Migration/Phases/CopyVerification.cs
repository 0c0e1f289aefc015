using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.S3;

namespace S3Migration.Phases
{
    /// <summary>
    /// The one rule, completed with what it needs from S3: where ETags and checksums cannot prove the content (Unproven),
    /// both contents are read and hashed (the source's known MD5 stands in for reading it). The copy (after each copy, and
    /// for a destination found in place) and the integrity check (-Deep) share it, as rclone's copy and check share
    /// their hash comparison.
    /// </summary>
    public static class CopyVerification
    {
        /// <param name="readTags">read the destination's tags themselves, not only their number (-Deep and the cleanup)</param>
        public static async Task<VerificationOutcome> VerifyAsync(IAmazonS3 s3, S3Calls calls, ContentHasher hasher, CopyProof expected, ObjectFacts destination,
            S3Location source, S3Location target, bool readContent, RetryCount retries, CancellationToken ct, bool readTags = false)
        {
            if (readTags && expected.TagsDigest.Length > 0)
            {
                // The tags themselves, not only their number: one request, asked by -Deep and by the cleanup.
                var tags = await ObjectTags.ReadAsync(s3, calls, target, retries, ct).ConfigureAwait(false);
                destination.TagCount = tags.Count;
                destination.TagsDigest = CopyProof.TagsDigestOf(tags);
            }
            else if (expected.TagCount > 0 && destination.TagCount == null)
            {
                // A HEAD says how many tags an object has only when it has some and the caller may read them, and some
                // S3-compatible servers never say: "not said" is not "none", so count them (one request, only then).
                destination.TagCount = (await ObjectTags.ReadAsync(s3, calls, target, retries, ct).ConfigureAwait(false)).Count;
            }
            var outcome = VerificationRule.Compare(expected, destination, readContent);
            if (outcome.Verdict != Verdict.Unproven) return outcome;
            var sourceMd5 = ETag.LooksLikeMd5(expected.Md5) ? ETag.Clean(expected.Md5)
                : await calls.Run(() => hasher.ComputeMd5Async(source.Bucket, source.Key, expected.Size, ct), retries, ct).ConfigureAwait(false);
            var destinationMd5 = await calls.Run(() => hasher.ComputeMd5Async(target.Bucket, target.Key, destination.Size, ct), retries, ct).ConfigureAwait(false);
            return VerificationRule.CompareContent(sourceMd5, destinationMd5);
        }
    }
}
