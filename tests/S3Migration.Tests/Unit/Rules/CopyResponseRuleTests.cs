namespace S3Migration.Tests.Unit.Rules;

/// <summary>
/// The copy's answer as proof (VerificationRule.CompareCopyResponse, -Verify CopyResponse): only an MD5 ETag S3 computed
/// over a single-part, non-KMS copy proves its content; everything else is left to a HEAD (Unproven).
/// </summary>
public class CopyResponseRuleTests
{
    private const string Md5 = "5d41402abc4b2a76b9719d911017c592";
    private const string Other = "7d793037a0760186574b0282f2f435e7";
    private static CopyProof Plain() => CopyProof.FromSource(new ObjectFacts { Size = 5, ETag = Md5 }, null, null);

    [Fact]
    public void An_MD5_answer_equal_to_the_source_s_MD5_verifies_and_says_so()
    {
        var o = VerificationRule.CompareCopyResponse(Plain(), new CopyReceipt(Md5, "AES256", Multipart: false));
        Assert.Equal((Verdict.Verified, VerificationRule.ByCopyResponse), (o.Verdict, o.How));
    }

    [Fact]
    public void A_different_MD5_answer_is_a_mismatch() =>
        Assert.Equal(Verdict.Mismatch, VerificationRule.CompareCopyResponse(Plain(), new CopyReceipt(Other, "", Multipart: false)).Verdict);

    [Theory]
    [InlineData("aws:kms", false)]       // the ETag of an SSE-KMS object is no MD5, even when it looks like one
    [InlineData("aws:kms:dsse", false)]
    [InlineData("", true)]               // multipart: the MD5 of the parts' MD5s
    public void An_answer_that_proves_no_content_is_left_to_a_HEAD(string encryption, bool multipart) =>
        Assert.Equal(Verdict.Unproven, VerificationRule.CompareCopyResponse(Plain(), new CopyReceipt(Md5, encryption, multipart)).Verdict);

    [Fact]
    public void Without_a_known_MD5_of_the_source_the_answer_proves_nothing()
    {
        // An SSE-KMS source: its ETag is no MD5, and no inventory MD5 is known.
        var kms = CopyProof.FromSource(new ObjectFacts { Size = 5, ETag = Other, Encryption = "aws:kms" }, null, null);
        Assert.Equal(Verdict.Unproven, VerificationRule.CompareCopyResponse(kms, new CopyReceipt(Md5, "AES256", Multipart: false)).Verdict);
        // With the inventory's MD5 of that source, a copy re-encrypted with AES256 is proven by its answer.
        var known = CopyProof.FromSource(new ObjectFacts { Size = 5, ETag = Other, Encryption = "aws:kms" }, Md5, null);
        Assert.Equal(Verdict.Verified, VerificationRule.CompareCopyResponse(known, new CopyReceipt(Md5, "AES256", Multipart: false)).Verdict);
    }
}
