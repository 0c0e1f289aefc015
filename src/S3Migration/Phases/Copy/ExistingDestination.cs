using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Copy
{
    /// <summary>
    /// What the copy does about an object already at its target key, and how it proves a destination equal to its
    /// source (<see cref="CopyVerification"/>, the rule the integrity check uses too).
    /// </summary>
    public sealed class ExistingDestination
    {
        private readonly IAmazonS3 _s3;
        private readonly CopySettings _settings;
        private readonly S3Calls _calls;
        private readonly DestinationCatalog _catalog;
        private readonly ContentHasher _hasher;

        public ExistingDestination(IAmazonS3 s3, CopySettings settings, S3Calls calls, DestinationCatalog catalog, ContentHasher hasher)
        {
            _s3 = s3; _settings = settings; _calls = calls; _catalog = catalog; _hasher = hasher;
        }

        /// <summary>Proves the destination equal to the source, as far as the copy can (it does not read a destination's content the ETags prove).</summary>
        public Task<VerificationOutcome> VerifyAsync(CopyProof expected, ObjectFacts destination, CopyItem item, RetryCount retries, CancellationToken ct) =>
            CopyVerification.VerifyAsync(_s3, _calls, _hasher, expected, destination, item.Source(), item.Target(), false, retries, ct);

        /// <summary>
        /// Compares what is at the target key with the source. True when that settles the item: identical content made
        /// by this migration (its migration-id tag: a run killed before it journaled the copy) is Verified as the
        /// migration's own; other identical content is Skipped (journaled as verified, found in place); different content
        /// a Conflict. False when -Force lets the copy overwrite it; null when nothing is at the target key.
        /// </summary>
        public async Task<bool?> CompareAsync(CopyItem item, ObjectFacts src, MigrationResult r, RetryCount retries, CancellationToken ct)
        {
            var dst = await _calls.Run(() => ObjectHead.GetAsync(_s3, item.TargetBucket, item.TargetKey, ct), retries, ct).ConfigureAwait(false);
            if (dst == null) return null;
            var outcome = await VerifyAsync(CopyProof.FromSource(src, r.Md5, null), dst, item, retries, ct).ConfigureAwait(false);
            if (outcome.Verdict == Verdict.Verified)
            {
                r.VerifiedBy = outcome.How;
                r.DestinationETag = dst.ETag; r.DestinationLastModified = dst.LastModified;
                if (r.Md5.Length == 0) r.Md5 = outcome.SourceMd5;
                r.HeadersDigest = CopyProof.HeadersDigestOf(src);
                r.TagCount = dst.TagCount ?? 0;
                if (await MadeByThisMigrationAsync(item, dst, retries, ct).ConfigureAwait(false))
                {
                    r.Status = MigrationResultStatus.Verified;
                    r.Origin = CopyOrigin.MadeEarlier;
                    r.AddNote(JournalRow.MadeEarlierNote);
                    await _catalog.RecordAsync(item.TargetBucket, item.TargetKey, dst.Size, dst.ETag, ct).ConfigureAwait(false);
                    return true;
                }
                r.Status = MigrationResultStatus.Skipped;
                r.Origin = CopyOrigin.FoundIdentical;
                r.AddNote(JournalRow.FoundIdenticalNote);
                return true;
            }
            if (_settings.Force)
            {
                r.AddNote($"{JournalRow.OverwroteNote}: {outcome.Why}");
                return false;
            }
            r.DestinationETag = dst.ETag;
            CopyFailure.Conflict(r, $"the destination holds different content ({outcome.Why}); not overwritten (use -Force to replace it)");
            return true;
        }

        /// <summary>
        /// Provenance: the destination carries this migration's migration-id tag. Asked only of a destination found with
        /// identical content (one tagging request), and only when it has tags at all.
        /// </summary>
        private async Task<bool> MadeByThisMigrationAsync(CopyItem item, ObjectFacts dst, RetryCount retries, CancellationToken ct)
        {
            if (_settings.MigrationId.Length == 0 || dst.TagCount == 0) return false;
            var tags = await ObjectTags.ReadAsync(_s3, _calls, item.Target(), retries, ct).ConfigureAwait(false);
            return tags.Any(x => x.Key == MigrationTags.IdKey && x.Value == _settings.MigrationId);
        }
    }
}
