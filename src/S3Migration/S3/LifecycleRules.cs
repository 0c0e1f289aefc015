using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>What the lifecycle rule was read back as, and what it means for the backup objects.</summary>
    public sealed class LifecycleOutcome
    {
        public string RuleId { get; set; } = "";
        /// <summary>The read-back rule carries ObjectSizeGreaterThan 0, so S3's default size floor does not apply to it.</summary>
        public bool SizeFilterApplied { get; set; }
        /// <summary>The bucket's x-amz-transition-default-minimum-object-size, as read back (all_storage_classes_128K when none is reported).</summary>
        public string DefaultMinimumObjectSize { get; set; } = LifecycleRules.DefaultMinimum128K;
    }

    /// <summary>
    /// The lifecycle rule of Backup-MigrationSource -TransitionAfterDays: objects under the backup prefix move to the
    /// cold class N days after they were written. S3 has one lifecycle configuration per bucket and PUT replaces it
    /// whole, so the rule is merged into what is there: only a rule with our ID is replaced, every other rule is kept,
    /// and the result is read back, because a PUT that "succeeded" on an S3-compatible server proves nothing.
    ///
    /// Object size. S3 applies a default minimum object size to lifecycle transitions, a bucket-level setting
    /// (x-amz-transition-default-minimum-object-size): "all_storage_classes_128K - Objects smaller than 128 KB will not
    /// transition to any storage class by default" (the default), "varies_by_storage_class - Objects smaller than 128 KB
    /// will transition to Glacier Flexible Retrieval or Glacier Deep Archive storage classes"; "To customize the minimum
    /// object size for any transition you can add a filter that specifies a custom ObjectSizeGreaterThan or
    /// ObjectSizeLessThan in the body of your transition rule. Custom filters always take precedence over the default
    /// transition behavior." (Amazon S3 API Reference, PutBucketLifecycleConfiguration and GetBucketLifecycleConfiguration,
    /// TransitionDefaultMinimumObjectSize; User Guide, "Adding filters to Lifecycle rules": "Amazon S3 applies a default
    /// minimum object size to lifecycle configuration".) So our rule filters on prefix AND ObjectSizeGreaterThan 0: every
    /// backup object with content moves, whatever its size, and no other rule of the bucket changes. An empty object
    /// (0 bytes) is not "greater than 0" and stays in STANDARD, where it costs nothing. The bucket's own setting is read
    /// and sent back with the PUT unchanged, since the PUT replaces the whole configuration.
    /// </summary>
    public sealed class LifecycleRules
    {
        public const string IdPrefix = "s3migration-backup-";
        public const string DefaultMinimum128K = "all_storage_classes_128K";
        public const string VariesByStorageClass = "varies_by_storage_class";
        /// <summary>S3's default floor: objects under 128 KB do not transition.</summary>
        public const long DefaultMinimumBytes = 128 * 1024;
        /// <summary>Our rule's size filter: every object larger than 0 bytes.</summary>
        public const long SizeFilter = 0;
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
            return IdPrefix + Hex.Lower(SHA256.HashData(Encoding.UTF8.GetBytes(backupPrefix)).AsSpan(0, 6));
        }

        /// <summary>
        /// The bucket's lifecycle rules and its default minimum object size; no rules when the bucket has no configuration
        /// (an error code on S3, an empty answer elsewhere), and all_storage_classes_128K when no setting is reported.
        /// </summary>
        public async Task<(List<LifecycleRule> Rules, string DefaultMinimum)> ReadAsync(string bucket, CancellationToken ct)
        {
            try
            {
                var r = await _calls.Run(() => _s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = bucket }, ct), new RetryCount(), ct).ConfigureAwait(false);
                var min = r.TransitionDefaultMinimumObjectSize?.Value is { Length: > 0 } m ? m : DefaultMinimum128K;
                return (r.Configuration?.Rules?.ToList() ?? new List<LifecycleRule>(), min);
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchLifecycleConfiguration")
            {
                return (new List<LifecycleRule>(), DefaultMinimum128K);
            }
        }

        /// <summary>Our rule: the backup prefix AND every object larger than 0 bytes, moved to the cold class after the days given.</summary>
        public static LifecycleRule BuildRule(string prefix, int days, string storageClass) => new LifecycleRule
        {
            Id = RuleId(prefix),
            Status = LifecycleRuleStatus.Enabled,
            // S3 wants two or more predicates in an And: a whole-bucket backup (no prefix) filters on the size alone.
            Filter = prefix.Length > 0
                ? new LifecycleFilter { And = new LifecycleRuleAndOperator { Prefix = prefix, ObjectSizeGreaterThan = SizeFilter } }
                : new LifecycleFilter { ObjectSizeGreaterThan = SizeFilter },
            Transitions = new List<LifecycleTransition> { new LifecycleTransition { Days = days, StorageClass = S3StorageClass.FindValue(storageClass) } },
        };

        /// <summary>
        /// Merges the transition rule into the bucket's configuration, writes it (with the bucket's default minimum object
        /// size unchanged), reads it back and checks that our rule is there as written and every other rule is still there.
        /// A size filter the server dropped is no error (S3-compatible servers may not support it): SizeFilterApplied says
        /// so, and the caller warns which objects S3 would then leave behind. Throws MigrationException otherwise.
        /// </summary>
        public async Task<LifecycleOutcome> EnsureTransitionAsync(string bucket, string prefix, int days, string storageClass, CancellationToken ct)
        {
            var id = RuleId(prefix);
            List<LifecycleRule> before;
            string minimum;
            try { (before, minimum) = await ReadAsync(bucket, ct).ConfigureAwait(false); }
            catch (AmazonS3Exception ex) { throw Error(bucket, "read", ex); }
            var others = before.Where(r => r.Id != id).ToList();
            var merged = others.Concat(new[] { BuildRule(prefix, days, storageClass) }).ToList();
            try
            {
                await _calls.Run(() => _s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
                {
                    BucketName = bucket, Configuration = new LifecycleConfiguration { Rules = merged },
                    TransitionDefaultMinimumObjectSize = TransitionDefaultMinimumObjectSize.FindValue(minimum),
                }, ct), new RetryCount(), ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) { throw Error(bucket, "write", ex); }

            List<LifecycleRule> after;
            try { (after, minimum) = await ReadAsync(bucket, ct).ConfigureAwait(false); }
            catch (AmazonS3Exception ex) { throw Error(bucket, "read back", ex); }
            var problem = Check(after, others, id, prefix, days, storageClass);
            if (problem != null)
                throw new MigrationException("LifecycleRuleNotApplied", MigrationErrorKind.WriteError,
                    $"The lifecycle rule '{id}' on bucket '{bucket}' did not read back as written: {problem}. Nothing was copied; check the bucket's lifecycle configuration (aws s3api get-bucket-lifecycle-configuration --bucket {bucket}), or run without -TransitionAfterDays to write the cold class directly.", target: bucket);
            var ours = after.Single(r => r.Id == id);
            return new LifecycleOutcome { RuleId = id, SizeFilterApplied = HasSizeFilter(ours), DefaultMinimumObjectSize = minimum };
        }

        /// <summary>
        /// How many of the backup objects S3 would leave in STANDARD, and why (0 and "" when none): with our size filter in
        /// place only empty objects; without it (dropped by the server) S3's default floor decides: under 128 KB for every
        /// class with all_storage_classes_128K, and for GLACIER_IR with varies_by_storage_class.
        /// </summary>
        public static (int Count, string Reason) LeftInStandard(IEnumerable<long> sizes, bool sizeFilterApplied, string defaultMinimum, string storageClass)
        {
            var list = sizes.ToList();
            if (sizeFilterApplied)
            {
                var empty = list.Count(s => s <= SizeFilter);
                return empty == 0 ? (0, "") : (empty, $"{empty} of the {list.Count} backup objects have 0 bytes: a lifecycle size filter (ObjectSizeGreaterThan {SizeFilter}) cannot match them, so they stay in STANDARD, where an empty object costs nothing");
            }
            var floorApplies = defaultMinimum != VariesByStorageClass || (storageClass != "GLACIER" && storageClass != "DEEP_ARCHIVE");
            if (!floorApplies) return (0, "");
            var small = list.Count(s => s < DefaultMinimumBytes);
            return small == 0 ? (0, "")
                : (small, $"the lifecycle rule read back without its ObjectSizeGreaterThan {SizeFilter} filter (this server does not keep it), and the bucket's default minimum object size is {defaultMinimum}: "
                          + $"on Amazon S3, {small} of the {list.Count} backup objects, those under 128 KB, would never transition to {storageClass} and stay in STANDARD");
        }

        /// <summary>Whether a rule (as read back) carries our size filter, ObjectSizeGreaterThan 0.</summary>
        public static bool HasSizeFilter(LifecycleRule r) => SizeGreaterThan(r) == SizeFilter;

        /// <summary>The rule's ObjectSizeGreaterThan, however the SDK read it (in an And, or alone), or null.</summary>
        private static long? SizeGreaterThan(LifecycleRule r)
        {
            var f = r.Filter;
            if (f == null) return null;
            if (f.And?.ObjectSizeGreaterThan is long a) return a;
            if (f.ObjectSizeGreaterThan is long b) return b;
            return Predicates(f.LifecycleFilterPredicate).OfType<LifecycleObjectSizeGreaterThanPredicate>().Select(p => (long?)p.ObjectSizeGreaterThan).FirstOrDefault();
        }

        /// <summary>The rule's prefix, however the SDK read it: in an And, in the filter, as a predicate, or the legacy top-level Prefix.</summary>
        private static string PrefixOf(LifecycleRule r)
        {
            var f = r.Filter;
            return f?.And?.Prefix ?? f?.Prefix ?? Predicates(f?.LifecycleFilterPredicate).OfType<LifecyclePrefixPredicate>().Select(p => p.Prefix).FirstOrDefault() ?? r.Prefix ?? "";
        }

        private static IEnumerable<LifecycleFilterPredicate> Predicates(LifecycleFilterPredicate? p) =>
            p == null ? Enumerable.Empty<LifecycleFilterPredicate>()
            : p is LifecycleAndOperator and ? (and.Operands ?? new List<LifecycleFilterPredicate>()).SelectMany(Predicates)
            : new[] { p };

        /// <summary>What is wrong with the read-back configuration, or null when our rule and all the others are there.</summary>
        public static string? Check(IReadOnlyList<LifecycleRule> after, IReadOnlyList<LifecycleRule> others, string id, string prefix, int days, string storageClass)
        {
            var ours = after.Where(r => r.Id == id).ToList();
            if (ours.Count != 1) return ours.Count == 0 ? "the rule is missing" : "the rule is there more than once";
            var r = ours[0];
            if (r.Status != LifecycleRuleStatus.Enabled) return $"the rule's status is {r.Status}";
            var rulePrefix = PrefixOf(r);
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
