using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace S3Migration.Tests.Integration.S3;

/// <summary>
/// The counting proxy's kinds, read from real SDK traffic to moto: the benchmark's "requests by kind" and the request
/// count tests rest on them. S3 marks subresources with valueless query keys (?tagging, ?uploads), which are easy to
/// misfile as a plain GET or POST (issue 13).
/// </summary>
[Collection(S3Collection.Name)]
public class RequestKindTests
{
    private readonly MotoServer _moto;
    private readonly ITestOutputHelper _out;
    public RequestKindTests(MotoServer moto, ITestOutputHelper output) { _moto = moto; _out = output; }

    [Fact]
    public async Task Tag_reads_multipart_initiation_and_listings_are_counted_as_their_own_kinds()
    {
        var b = new TestBucket(_moto.CreateClient(), TestBucket.UniqueName("kinds"));
        b.Put("1_P1/a.mp3", "x");
        using var proxy = new LoopbackProxy(_moto.EndpointUrl) { Capture = _ => true };
        // The module's own client settings would do too; what matters is the SDK's wire format for each call.
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey), new AmazonS3Config
        {
            ServiceURL = proxy.EndpointUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED, ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

        await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = b.Name, Key = "1_P1/a.mp3" });
        var init = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = b.Name, Key = "1_P1/big.mp4" });
        await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = b.Name, Key = "1_P1/big.mp4", UploadId = init.UploadId });
        await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = b.Name, Prefix = "1_P1/" });
        await s3.GetObjectMetadataAsync(b.Name, "1_P1/a.mp3");
        await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = b.Name, SourceKey = "1_P1/a.mp3", DestinationBucket = b.Name, DestinationKey = "audio/1_P1_a.mp3" });
        await s3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = b.Name, Key = "audio/1_P1_a.mp3", Tagging = new Tagging { TagSet = new List<Tag> { new() { Key = "k", Value = "v" } } },
        });

        foreach (var r in proxy.Captured) _out.WriteLine($"{r.Method} {r.Url}");
        _out.WriteLine(string.Join(", ", proxy.ByKind.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}")));
        Assert.Equal(1, proxy.ByKind.GetValueOrDefault("GET tagging"));
        Assert.Equal(1, proxy.ByKind.GetValueOrDefault("POST initiate"));
        Assert.Equal(1, proxy.ByKind.GetValueOrDefault("DELETE abort"));
        Assert.Equal(1, proxy.ByKind.GetValueOrDefault("GET list"));
        Assert.Equal(1, proxy.ByKind.GetValueOrDefault("HEAD"));
        Assert.Equal(1, proxy.ByKind.GetValueOrDefault("PUT copy"));
        Assert.Equal(1, proxy.ByKind.GetValueOrDefault("PUT tagging"));
        Assert.Equal(7, proxy.Requests);
    }
}
