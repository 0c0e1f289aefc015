using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.Runtime.CredentialManagement;

namespace S3Migration.S3
{
    /// <summary>
    /// What the cmdlets' argument completers offer for the connection parameters (Cmdlets/ArgumentCompleters.cs).
    /// A completer runs while the operator waits at the prompt, so each of these answers quickly and never throws:
    /// a list it cannot get is an empty list, which PowerShell shows as "nothing to complete".
    /// </summary>
    public static class CompletionLists
    {
        /// <summary>How long a bucket listing may keep the prompt waiting.</summary>
        public static readonly TimeSpan BucketListPatience = TimeSpan.FromSeconds(2);

        /// <summary>The SDK's region names (eu-west-1, us-east-1, ...), sorted, that start with <paramref name="prefix"/>.</summary>
        public static IReadOnlyList<string> Regions(string prefix) =>
            Matching(SafeList(() => RegionEndpoint.EnumerableAllRegions.Select(r => r.SystemName)), prefix);

        /// <summary>
        /// The profile names of the SDK's credential profile store chain (the shared credentials and config files, which
        /// AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE relocate, and on Windows the SDK store): what -ProfileName accepts.
        /// </summary>
        public static IReadOnlyList<string> ProfileNames(string prefix) =>
            Matching(SafeList(() => new CredentialProfileStoreChain().ListProfiles().Select(p => p.Name)), prefix);

        /// <summary>
        /// The buckets the connection may list (ListBuckets), within <paramref name="patience"/>: no credentials, no
        /// network, a slow credential lookup (an instance-metadata probe off EC2) or a refusal all give an empty list.
        /// A listing still running when the patience ends is cancelled and its outcome dropped. Never throws.
        /// </summary>
        public static async Task<IReadOnlyList<string>> BucketNamesAsync(S3ConnectionOptions connection, string prefix, TimeSpan patience)
        {
            var stop = new CancellationTokenSource();
            // Task.Run: making the client may look for credentials synchronously, which must not hold the caller past its patience.
            var listing = Task.Run(() => ListBuckets(connection, stop.Token));
            _ = listing.ContinueWith(t => { _ = t.Exception; stop.Dispose(); }, TaskScheduler.Default);
            try
            {
                if (await Task.WhenAny(listing, Task.Delay(patience)).ConfigureAwait(false) != listing)
                {
                    stop.Cancel();
                    return Array.Empty<string>();
                }
                return Matching(await listing.ConfigureAwait(false), prefix);
            }
            catch (Exception) { return Array.Empty<string>(); }   // a completer says nothing rather than fail the prompt
        }

        private static async Task<IReadOnlyList<string>> ListBuckets(S3ConnectionOptions connection, CancellationToken ct)
        {
            using var client = S3ClientFactory.Create(connection, sdkRetries: false);
            var names = new List<string>();
            string? token = null;
            do
            {
                var page = await client.ListBucketsAsync(new Amazon.S3.Model.ListBucketsRequest { ContinuationToken = token }, ct).ConfigureAwait(false);
                names.AddRange((page.Buckets ?? new List<Amazon.S3.Model.S3Bucket>()).Select(b => b.BucketName));
                token = page.ContinuationToken;
            }
            while (!string.IsNullOrEmpty(token));
            return names;
        }

        private static IReadOnlyList<string> SafeList(Func<IEnumerable<string>> list)
        {
            try { return list().ToList(); }
            catch (Exception) { return Array.Empty<string>(); }   // a damaged credentials file: nothing to offer
        }

        /// <summary>Distinct, sorted, case-insensitively starting with the word typed so far (quotes around it ignored).</summary>
        internal static IReadOnlyList<string> Matching(IEnumerable<string> names, string? prefix)
        {
            var word = (prefix ?? "").Trim('\'', '"');
            return names.Where(n => !string.IsNullOrEmpty(n) && n.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                .Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
        }
    }
}
