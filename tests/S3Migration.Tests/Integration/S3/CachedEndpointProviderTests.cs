using Amazon.Runtime.Endpoints;
using Amazon.S3;
using Amazon.S3.Endpoints;
using Amazon.S3.Internal;
using Amazon.S3.Model;
using S3Migration.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.S3;

/// <summary>
/// The module's clients run the SDK's endpoint rules once per bucket, not once per request (issue 13: the rules were
/// about a tenth of the copy's client CPU), and get the answer the rules would give.
/// </summary>
[Collection(S3Collection.Name)]
public class CachedEndpointProviderTests
{
    private readonly MotoServer _moto;
    public CachedEndpointProviderTests(MotoServer moto) => _moto = moto;

    [Fact]
    public async Task The_module_client_resolves_each_bucket_once_across_heads_copies_and_listings()
    {
        var b = new TestBucket(_moto.CreateClient(), TestBucket.UniqueName("endpoint"));
        for (var i = 0; i < 5; i++) b.Put($"1_P1/f{i}.mp3", "x" + i);
        using var s3 = S3ClientFactory.Create(new S3ConnectionOptions { EndpointUrl = _moto.EndpointUrl }, sdkRetries: false);
        var cache = Assert.IsType<CachedEndpointProvider>(((AmazonS3Config)s3.Config).EndpointProvider);

        async Task Round(string tag)
        {
            for (var i = 0; i < 5; i++)
            {
                await s3.GetObjectMetadataAsync(b.Name, $"1_P1/f{i}.mp3");
                await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = b.Name, SourceKey = $"1_P1/f{i}.mp3", DestinationBucket = b.Name, DestinationKey = $"audio/{tag}_f{i}.mp3" });
            }
            await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = b.Name, Prefix = "audio/" + tag });
        }

        await Round("first");
        var afterFirst = cache.Misses;
        await Round("second");

        // The rules ran for the bucket (once per kind of call at most), not for each request or key: 11 more requests
        // to other keys ran them no more.
        Assert.InRange(afterFirst, 1, 3);
        Assert.Equal(afterFirst, cache.Misses);
        var copied = await s3.GetObjectMetadataAsync(b.Name, "audio/second_f4.mp3");
        Assert.Equal(2, copied.ContentLength);
    }

    public static TheoryData<string?, string?, bool> Settings => new()
    {
        { "http://127.0.0.1:9000", "us-east-1", true },  // an S3-compatible server, path-style (the module's -EndpointUrl)
        { null, "eu-west-1", false },                   // AWS, virtual-hosted
        { null, "us-gov-west-1", false },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_answer_is_the_rules_answer_whatever_the_key_prefix_or_copy_source(string? endpoint, string? region, bool pathStyle)
    {
        var rules = new AmazonS3EndpointProvider();
        var cache = new CachedEndpointProvider();
        foreach (var bucket in new[] { "media-bucket", "other.bucket", "media-bucket" })
            foreach (var (key, copySource) in new[] { ("1_P1/a.mp3", "src/1_P1/a.mp3"), ("x", (string?)null), ("", "") })
            {
                var p = Parameters(bucket, region, endpoint, pathStyle);
                p.Key = key; p.Prefix = key; p.CopySource = copySource;
                var expected = rules.ResolveEndpoint(p);
                var got = cache.ResolveEndpoint(p);
                Assert.Equal(expected.URL, got.URL);
                Assert.Equal(expected.Attributes?["authSchemes"]?.ToString(), got.Attributes?["authSchemes"]?.ToString());
                // The SDK appends "/" to the URL it is given: a cached answer must not carry that into the next request.
                got.URL += "/";
            }
        Assert.Equal(2, cache.Misses);
    }

    [Fact]
    public void Every_endpoint_parameter_of_the_SDK_is_in_the_cache_key_or_named_as_read_by_no_rule()
    {
        // A new SDK may add a parameter: then it must be keyed on (or shown unread) before the cache may answer for it.
        var sdk = typeof(S3EndpointParameters).GetProperties().Where(p => p.GetIndexParameters().Length == 0).Select(p => p.Name).OrderBy(n => n);
        Assert.Equal(sdk, CachedEndpointProvider.ParametersInKey.Concat(CachedEndpointProvider.ParametersNotRead).OrderBy(n => n));
    }

    private static S3EndpointParameters Parameters(string bucket, string? region, string? endpoint, bool pathStyle) => new()
    {
        Bucket = bucket, Region = region, Endpoint = endpoint, ForcePathStyle = pathStyle, UseFIPS = false, UseDualStack = false, Accelerate = false,
        UseGlobalEndpoint = false, DisableMultiRegionAccessPoints = false,
    };
}
