namespace S3Migration.Tests.Unit.Rules;

/// <summary>
/// The rule as far as a listing shows a destination (VerificationRule.CompareListed): what Test-MigrationIntegrity decides
/// without a HEAD, and what it leaves to one.
/// </summary>
public class CompareListedTests
{
    private const string Md5 = "0123456789abcdef0123456789abcdef";
    private const string Multipart = "0123456789abcdef0123456789abcdef-3";

    private static CopyProof Recorded(string destinationETag, string sourceETag = Md5) =>
        CopyProof.FromRecord(10, sourceETag, sourceETag == Md5 ? Md5 : "", destinationETag, "audio/mpeg", "digest", 3);

    [Theory]
    [InlineData(Md5, Md5)]              // single part: the ETag is the MD5
    [InlineData(Multipart, Multipart)]  // in parts (or SSE-KMS): the ETag the copy verified, unchanged since
    public void A_destination_with_the_recorded_size_and_ETag_is_verified_by_the_listing(string source, string destination)
    {
        var outcome = VerificationRule.CompareListed(Recorded(destination, source), 10, "\"" + destination + "\"");
        Assert.Equal((Verdict.Verified, "listing"), (outcome.Verdict, outcome.How));
    }

    [Fact]
    public void Another_size_or_ETag_is_a_mismatch_with_the_reason_the_HEAD_path_gives()
    {
        Assert.Equal(Verdict.Mismatch, VerificationRule.CompareListed(Recorded(Md5), 11, Md5).Verdict);
        var rewritten = VerificationRule.CompareListed(Recorded(Md5), 10, "ffffffffffffffffffffffffffffffff");
        Assert.Equal(Verdict.Mismatch, rewritten.Verdict);
        Assert.Equal(VerificationRule.Compare(Recorded(Md5), new ObjectFacts { Size = 10, ETag = "ffffffffffffffffffffffffffffffff" }, false).Why, rewritten.Why);
    }

    [Fact]
    public void Without_a_recorded_destination_ETag_a_listing_proves_nothing_and_a_HEAD_must_decide() =>
        // An MD5-shaped ETag may still be SSE-KMS, which no listing says: only the HEAD can tell.
        Assert.Equal(Verdict.Unproven, VerificationRule.CompareListed(Recorded(""), 10, Md5).Verdict);
}
