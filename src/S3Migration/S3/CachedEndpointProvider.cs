using System;
using System.Collections.Concurrent;
using System.Threading;
using Amazon.Runtime.Endpoints;
using Amazon.S3.Endpoints;
using Amazon.S3.Internal;

namespace S3Migration.S3
{
    /// <summary>
    /// The SDK's own S3 endpoint rules, asked once per distinct set of inputs instead of once per request. AWSSDK.S3 4.x
    /// runs its whole rule set for every request (bucket-name checks, URL parsing, and a JSON parse of the endpoint's
    /// properties): a profile of the copy put that at about a tenth of the client's CPU. The answer depends only on the
    /// parameters, so one bucket's answer serves every request to it.
    /// Key, Prefix and CopySource are left out of the cache key: the rule set declares them but no rule reads them
    /// (Unit/CachedEndpointProviderTests asserts both, against the SDK's own provider), and keying on them would make
    /// every object a miss.
    /// </summary>
    internal sealed class CachedEndpointProvider : IEndpointProvider
    {
        /// <summary>Enough for every bucket of a migration; past it the rules run uncached rather than the cache grow.</summary>
        private const int MaxEntries = 1024;

        private readonly IEndpointProvider _inner;
        private readonly ConcurrentDictionary<string, Endpoint> _cache = new ConcurrentDictionary<string, Endpoint>(StringComparer.Ordinal);

        private int _misses;

        /// <summary>How many times the SDK's rules ran (for the tests: once per distinct set of parameters).</summary>
        internal int Misses => Volatile.Read(ref _misses);

        internal CachedEndpointProvider(IEndpointProvider? inner = null) => _inner = inner ?? new AmazonS3EndpointProvider();

        public Endpoint ResolveEndpoint(EndpointParameters parameters)
        {
            if (!(parameters is S3EndpointParameters p)) return _inner.ResolveEndpoint(parameters);
            var key = KeyOf(p);
            if (!_cache.TryGetValue(key, out var endpoint))
            {
                endpoint = _inner.ResolveEndpoint(parameters); // a failure (an invalid bucket name) is thrown each time, never cached
                Interlocked.Increment(ref _misses);
                if (_cache.Count < MaxEntries) _cache.TryAdd(key, endpoint);
            }
            // A new Endpoint each time: the SDK may set its URL on the request; the rules' own output is never changed.
            return new Endpoint(endpoint.URL) { Attributes = endpoint.Attributes, Headers = endpoint.Headers };
        }

        /// <summary>Every parameter a rule reads (<see cref="ParametersInKey"/>), joined unambiguously (bools print as True, False or nothing).</summary>
        private static string KeyOf(S3EndpointParameters p) => string.Join("\u0001",
            S(p.Bucket), S(p.Region), p.UseFIPS, p.UseDualStack, S(p.Endpoint), p.ForcePathStyle, p.Accelerate, p.UseGlobalEndpoint,
            p.UseObjectLambdaEndpoint, p.DisableAccessPoints, p.DisableMultiRegionAccessPoints, p.UseArnRegion,
            p.UseS3ExpressControlEndpoint, p.DisableS3ExpressSessionAuth);

        /// <summary>A string parameter, null told from empty: the rules tell them apart (IsSet).</summary>
        private static string S(string? value) => value == null ? "\u0002" : "=" + value;

        /// <summary>The parameters in the cache key, and those left out because no rule reads them (for the test).</summary>
        internal static readonly string[] ParametersInKey =
        {
            "Bucket", "Region", "UseFIPS", "UseDualStack", "Endpoint", "ForcePathStyle", "Accelerate", "UseGlobalEndpoint",
            "UseObjectLambdaEndpoint", "DisableAccessPoints", "DisableMultiRegionAccessPoints", "UseArnRegion",
            "UseS3ExpressControlEndpoint", "DisableS3ExpressSessionAuth",
        };
        internal static readonly string[] ParametersNotRead = { "Key", "Prefix", "CopySource" };
    }
}
