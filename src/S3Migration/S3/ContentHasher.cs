using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Model;
using S3Migration.Rules;

namespace S3Migration.S3
{
    /// <summary>MD5 of an object's content, computed by streaming it (the body passes through, it is not stored).</summary>
    public sealed class ContentHasher
    {
        private readonly IAmazonS3 _s3;
        private long _bytes;
        public ContentHasher(IAmazonS3 s3) { _s3 = s3; }

        /// <summary>Bytes hashed so far, for progress.</summary>
        public long BytesHashed => Interlocked.Read(ref _bytes);

        /// <summary>
        /// The one rule, completed: where ETags and checksums cannot prove the content (Unproven), both contents are read
        /// and hashed (the source's known MD5 stands in for reading it). The copy and the integrity check (-Deep) share it.
        /// </summary>
        public async Task<VerificationOutcome> VerifyAsync(CopyProof expected, ObjectFacts destination, string sourceBucket, string sourceKey,
            string targetBucket, string targetKey, bool readContent, S3Calls calls, StrongBox<int> retries, CancellationToken ct, bool readTags = false)
        {
            if (readTags && expected.TagsDigest.Length > 0)
            {
                // The tags themselves, not only their number: one request, asked by -Deep and by the cleanup.
                var tagging = await calls.Run(() => _s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = targetBucket, Key = targetKey }, ct), retries, ct)
                    .ConfigureAwait(false);
                var tags = (tagging.Tagging ?? new List<Tag>()).Select(t => new KeyValuePair<string, string>(t.Key, t.Value)).ToList();
                destination.TagCount = tags.Count;
                destination.TagsDigest = CopyProof.TagsDigestOf(tags);
            }
            else if (expected.TagCount > 0 && destination.TagCount == null)
            {
                // A HEAD says how many tags an object has only when it has some and the caller may read them, and some
                // S3-compatible servers never say: "not said" is not "none", so count them (one request, only then).
                var tagging = await calls.Run(() => _s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = targetBucket, Key = targetKey }, ct), retries, ct)
                    .ConfigureAwait(false);
                destination.TagCount = tagging.Tagging?.Count ?? 0;
            }
            var outcome = VerificationRule.Compare(expected, destination, readContent);
            if (outcome.Verdict != Verdict.Unproven) return outcome;
            var sourceMd5 = ETag.LooksLikeMd5(expected.Md5) ? ETag.Clean(expected.Md5)
                : await calls.Run(() => ComputeMd5Async(sourceBucket, sourceKey, expected.Size, ct), retries, ct).ConfigureAwait(false);
            var destinationMd5 = await calls.Run(() => ComputeMd5Async(targetBucket, targetKey, destination.Size, ct), retries, ct).ConfigureAwait(false);
            return VerificationRule.CompareContent(sourceMd5, destinationMd5);
        }

        public async Task<string> ComputeMd5Async(string bucket, string key, long expectedSize, CancellationToken ct)
        {
            using var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, ct).ConfigureAwait(false);
            using var md5 = MD5.Create();
            var buffer = new byte[1 << 20];
            long total = 0;
            using (var body = response.ResponseStream)
            {
                int read;
                while ((read = await body.ReadAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false)) > 0)
                {
                    md5.TransformBlock(buffer, 0, read, null, 0);
                    total += read;
                    Interlocked.Add(ref _bytes, read);
                }
            }
            md5.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
            if (total != expectedSize)
                throw new MigrationException("SizeChanged", MigrationErrorKind.InvalidData,
                    $"'{key}' returned {total} bytes but was listed with {expectedSize}; it changed during the inventory.", target: key);
            return Hex.Lower(md5.Hash!);
        }
    }
}
