
namespace S3Migration.Tests.Unit.PeopleCsv;

/// <summary>Every URL form the people CSV may hold: parsed to bucket and key, and rewritten in its own form and encoding.</summary>
public class S3UrlTests
{
    [Theory]
    [InlineData("s3://media/101_Ada/a.mp3", S3UrlForm.S3Uri, "media", "101_Ada/a.mp3", "s3://media/audio/x y.mp3")]
    [InlineData("https://media.s3.amazonaws.com/101_Ada/a.mp3", S3UrlForm.VirtualHosted, "media", "101_Ada/a.mp3", "https://media.s3.amazonaws.com/audio/x y.mp3")]
    [InlineData("https://media.s3.eu-west-1.amazonaws.com/101_Ada/a.mp3", S3UrlForm.VirtualHosted, "media", "101_Ada/a.mp3", "https://media.s3.eu-west-1.amazonaws.com/audio/x y.mp3")]
    [InlineData("https://my.dotted.bucket.s3-eu-west-1.amazonaws.com/k/a.mp3", S3UrlForm.VirtualHosted, "my.dotted.bucket", "k/a.mp3", "https://my.dotted.bucket.s3-eu-west-1.amazonaws.com/audio/x y.mp3")]
    [InlineData("https://s3.amazonaws.com/media/101_Ada/a.mp3", S3UrlForm.PathStyle, "media", "101_Ada/a.mp3", "https://s3.amazonaws.com/media/audio/x y.mp3")]
    [InlineData("https://s3.eu-west-1.amazonaws.com/media/101_Ada/a.mp3", S3UrlForm.PathStyle, "media", "101_Ada/a.mp3", "https://s3.eu-west-1.amazonaws.com/media/audio/x y.mp3")]
    [InlineData("http://127.0.0.1:9000/media/101_Ada/a.mp3", S3UrlForm.CustomPathStyle, "media", "101_Ada/a.mp3", "http://127.0.0.1:9000/media/audio/x y.mp3")]
    [InlineData("https://media.minio.example:9000/101_Ada/a.mp3", S3UrlForm.CustomVirtualHosted, "media", "101_Ada/a.mp3", "https://media.minio.example:9000/audio/x y.mp3")]
    public void Each_form_parses_and_rewrites_keeping_everything_but_the_key(string url, S3UrlForm form, string bucket, string key, string rewritten)
    {
        var u = S3Url.Parse(url, b => b == "media")!;
        Assert.Equal(form, u.Form);
        Assert.Equal(bucket, u.Bucket);
        Assert.Equal(key, u.KeyCandidates[0].Key);
        Assert.Equal(rewritten, u.With(u.Bucket, "audio/x y.mp3", encoded: false));
    }

    [Fact]
    public void A_percent_encoded_key_is_decoded_and_the_new_key_encoded_the_same_way()
    {
        var u = S3Url.Parse("https://media.s3.amazonaws.com/103_Jos%C3%A9/a%2Bb%20%231.mp3")!;
        var (key, encoded) = u.KeyCandidates[0];
        Assert.Equal("103_José/a+b #1.mp3", key);
        Assert.True(encoded);
        Assert.Equal("https://media.s3.amazonaws.com/audio/103_Jos%C3%A9_a_b_1.mp3", u.With("media", "audio/103_José_a_b_1.mp3", encoded));
    }

    [Fact]
    public void A_literal_percent_in_an_s3_uri_is_read_raw_first()
    {
        var u = S3Url.Parse("s3://media/101_Ada/odd %41.mp3")!;
        Assert.Equal(("101_Ada/odd %41.mp3", false), u.KeyCandidates[0]);
        Assert.Equal(("101_Ada/odd A.mp3", true), u.KeyCandidates[1]);
    }

    [Fact]
    public void A_signed_url_keeps_its_query_out_of_messages()
    {
        var u = S3Url.Parse("https://media.s3.amazonaws.com/101_Ada/a.mp3?X-Amz-Signature=abcdef&X-Amz-Credential=AKIAEXAMPLE")!;
        Assert.Equal("101_Ada/a.mp3", u.KeyCandidates[0].Key);
        Assert.DoesNotContain("Signature", u.Redacted);
        Assert.DoesNotContain("AKIA", u.Redacted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("ftp://media/a.mp3")]
    [InlineData("s3://media")]
    [InlineData("s3://media/")]
    [InlineData("https://media.s3.amazonaws.com/")]
    [InlineData("https://user:secret@host/media/a.mp3")]
    public void Text_that_names_no_object_is_not_an_S3_url(string text) => Assert.Null(S3Url.Parse(text));
}
