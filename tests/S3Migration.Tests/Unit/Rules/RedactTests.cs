
namespace S3Migration.Tests.Unit.Rules;

public class RedactTests
{
    [Theory]
    [InlineData("https://AKIDEXAMPLE:secret@s3.example.com:9000/x?X-Amz-Signature=abc#f", "https://s3.example.com:9000/x")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
    public void Urls_in_messages_lose_user_info_and_query(string url, string shown)
    {
        var r = Redact.Url(url);
        Assert.Equal(shown, r);
        Assert.DoesNotContain("secret", r);
        Assert.DoesNotContain("Signature", r);
    }

    [Fact]
    public void A_bad_endpoint_url_is_an_argument_error_without_its_secrets()
    {
        var ex = Assert.Throws<MigrationException>(() => S3ClientFactory.Create(new S3ConnectionOptions { EndpointUrl = "ftp://user:pw@host/?sig=1" }));
        Assert.Equal("InvalidEndpointUrl", ex.ErrorId);
        Assert.DoesNotContain("pw", ex.Message);
        Assert.DoesNotContain("sig=1", ex.Message);
    }
}
