using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Migration.Storage
{
    /// <summary>
    /// The lifecycle rule of Backup-MigrationSource -TransitionAfterDays: objects under the backup prefix move to the
    /// cold class N days after they were written. S3 has one lifecycle configuration per bucket and PUT replaces it
    /// whole, so the rule is merged into what is there: only a rule with our ID is replaced, every other rule is kept,
    /// and the result is read back, because a PUT that "succeeded" on an S3-compatible server proves nothing.
    /// </summary>
    public sealed class LifecycleRules
    {
        public const string IdPrefix = "s3migration-backup-";
        private readonly IAmazonS3 _s3;
        private readonly S3Calls _calls;

        public LifecycleRules(IAmazonS3 s3, S3Calls calls) { _s3 = s3; _calls = calls; }

        /// <summary>
        /// The rule's ID: one per backup prefix, so a second backup to another prefix of the same bucket gets its own rule,
        /// and a re-run of the same backup replaces its own. A hash, because S3 IDs are at most 255 characters.
        /// </summary>
        public static string RuleId(string backupPrefix)
        {
            if (backupPrefix.Length == 0) return IdPrefix + "whole-bucket";
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(backupPrefix));
            return IdPrefix + string.Concat(hash.Take(6).Select(b => b.ToString("x2")));
        }

        /// <summary>The bucket's lifecycle rules; none when the bucket has no configuration (an error code on S3, an empty answer elsewhere).</summary>
        public async Task<List<LifecycleRule>> ReadAsync(string bucket, CancellationToken ct)
        {
            try
            {
                var r = await _calls.Run(() => _s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = bucket }, ct), new StrongBox<int>(), ct).ConfigureAwait(false);
                return r.Configuration?.Rules?.ToList() ?? new List<LifecycleRule>();
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchLifecycleConfiguration")
            {
                return new List<LifecycleRule>();
            }
        }

        /// <summary>
        /// Merges the transition rule into the bucket's configuration, writes it, reads it back and checks that our rule is
        /// there as written and every other rule is still there. Returns the rule's ID; throws MigrationException otherwise.
        /// </summary>
        public async Task<string> EnsureTransitionAsync(string bucket, string prefix, int days, string storageClass, CancellationToken ct)
        {
            var id = RuleId(prefix);
            List<LifecycleRule> before;
            try { before = await ReadAsync(bucket, ct).ConfigureAwait(false); }
            catch (AmazonS3Exception ex) { throw Error(bucket, "read", ex); }
            var others = before.Where(r => r.Id != id).ToList();
            var ours = new LifecycleRule
            {
                Id = id,
                Status = LifecycleRuleStatus.Enabled,
                Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = prefix } },
                Transitions = new List<LifecycleTransition> { new LifecycleTransition { Days = days, StorageClass = S3StorageClass.FindValue(storageClass) } },
            };
            var merged = others.Concat(new[] { ours }).ToList();
            try
            {
                await _calls.Run(() => _s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
                {
                    BucketName = bucket, Configuration = new LifecycleConfiguration { Rules = merged },
                }, ct), new StrongBox<int>(), ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) { throw Error(bucket, "write", ex); }

            List<LifecycleRule> after;
            try { after = await ReadAsync(bucket, ct).ConfigureAwait(false); }
            catch (AmazonS3Exception ex) { throw Error(bucket, "read back", ex); }
            var problem = Check(after, others, id, prefix, days, storageClass);
            if (problem != null)
                throw new MigrationException("LifecycleRuleNotApplied", MigrationErrorKind.WriteError,
                    $"The lifecycle rule '{id}' on bucket '{bucket}' did not read back as written: {problem}. Nothing was copied; check the bucket's lifecycle configuration (aws s3api get-bucket-lifecycle-configuration --bucket {bucket}), or run without -TransitionAfterDays to write the cold class directly.", target: bucket);
            return id;
        }

        /// <summary>What is wrong with the read-back configuration, or null when our rule and all the others are there.</summary>
        public static string? Check(IReadOnlyList<LifecycleRule> after, IReadOnlyList<LifecycleRule> others, string id, string prefix, int days, string storageClass)
        {
            var ours = after.Where(r => r.Id == id).ToList();
            if (ours.Count != 1) return ours.Count == 0 ? "the rule is missing" : "the rule is there more than once";
            var r = ours[0];
            if (r.Status != LifecycleRuleStatus.Enabled) return $"the rule's status is {r.Status}";
            var rulePrefix = (r.Filter?.LifecycleFilterPredicate as LifecyclePrefixPredicate)?.Prefix ?? r.Prefix ?? "";
            if (rulePrefix != prefix) return $"its prefix is '{rulePrefix}', not '{prefix}'";
            var t = r.Transitions?.SingleOrDefault();
            if (t == null || t.Days != days || t.StorageClass?.Value != storageClass)
                return $"its transition is not {days} days to {storageClass}";
            var lost = others.Where(o => !after.Any(a => a.Id == o.Id)).Select(o => o.Id).ToList();
            if (lost.Count > 0) return "other rules were lost: " + string.Join(", ", lost);
            return null;
        }

        private static MigrationException Error(string bucket, string what, AmazonS3Exception ex) =>
            new MigrationException(ex.StatusCode == System.Net.HttpStatusCode.Forbidden ? "AccessDenied" : "LifecycleRuleNotApplied",
                ex.StatusCode == System.Net.HttpStatusCode.Forbidden ? MigrationErrorKind.PermissionDenied : MigrationErrorKind.WriteError,
                $"Could not {what} the lifecycle configuration of bucket '{bucket}' (S3 answered {(int)ex.StatusCode} {ex.ErrorCode}). "
                + "The credentials need s3:GetLifecycleConfiguration and s3:PutLifecycleConfiguration; or run without -TransitionAfterDays. Nothing was copied.", ex, bucket);
    }
}
