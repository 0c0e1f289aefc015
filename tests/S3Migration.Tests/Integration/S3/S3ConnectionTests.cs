using Amazon.Runtime;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.S3;

/// <summary>Changes process-wide AWS variables, so it runs in the S3 collection, one test at a time.</summary>
[Collection(S3Collection.Name)]
public class S3ConnectionTests
{
    [Fact]
    public void No_region_anywhere_and_no_endpoint_is_NoRegion_that_says_where_to_give_one()
    {
        using var dir = new TempDir();
        var names = new[] { "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE" };
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var n in names) Environment.SetEnvironmentVariable(n, null);
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", dir.File("no-config"));
            FallbackRegionFactory.Reset();
            var ex = Assert.Throws<MigrationException>(() => S3ClientFactory.Create(new S3ConnectionOptions()));
            Assert.Equal(("NoRegion", MigrationErrorKind.InvalidArgument), (ex.ErrorId, ex.Kind));
            Assert.Contains("-Region", ex.Message);
            // With a region the same options make a client.
            S3ClientFactory.Create(new S3ConnectionOptions { Region = "eu-west-1" }).Dispose();
        }
        finally
        {
            foreach (var (n, v) in saved) Environment.SetEnvironmentVariable(n, v);
            FallbackRegionFactory.Reset();
        }
    }
}
