using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Migration.Tests.Unit.Rules;

/// <summary>Cases found in review, each pinned so it cannot come back.</summary>
public class ReviewRegressionTests
{
    [Theory]
    [InlineData("InvalidAccessKeyId", "InvalidCredentials")]
    [InlineData("SignatureDoesNotMatch", "InvalidCredentials")]
    [InlineData("AccessDenied", "AccessDenied")]
    public void Rejected_credentials_are_not_reported_as_missing_permissions(string code, string errorId)
    {
        var ex = new AmazonS3Exception("denied", ErrorType.Sender, code, "req", HttpStatusCode.Forbidden);
        Assert.Equal(errorId, S3Errors.ForBucket(ex, "media", "http://127.0.0.1:1").ErrorId);
    }

    [Fact]
    public void A_kilobyte_extension_is_cut_with_the_name_instead_of_stopping_the_inventory()
    {
        var t = new TargetKeyBuilder(FileTypeMap.Default, "").Build("5", "a", "x." + new string('e', 1010));
        Assert.True(t.Truncated);
        Assert.True(Encoding.UTF8.GetByteCount(t.TargetKey) <= 1024);
        Assert.StartsWith("_unknown/5_a_x.eee", t.TargetKey);
    }

    [Fact]
    public void Keys_are_url_decoded_only_when_the_server_encoded_them()
    {
        Assert.Equal("C++ notes.pdf", S3Lister.Decode("C%2B%2B+notes.pdf", new ListObjectsV2Response { Encoding = EncodingType.Url }));
        Assert.Equal("C++ notes.pdf", S3Lister.Decode("C++ notes.pdf", new ListObjectsV2Response()));
    }

    [Fact]
    public void A_person_pattern_that_backtracks_forever_is_a_clear_argument_error()
    {
        var p = new PersonPattern(@"^(?<row_id>(\d+)+)_(?<name>x)$");
        var ex = Assert.Throws<ArgumentException>(() => p.TryParse(new string('1', 40) + "y", out _, out _, out _));
        Assert.Contains("simplify", ex.Message);
    }

    private static SourceObject Obj(string key) => new(key, 1, DateTime.UtcNow, "\"0cc175b9c0f1b6a831c399e269772661\"", "STANDARD");

    [Fact]
    public void A_folder_holding_only_a_marker_does_not_hold_back_its_row_ids_other_folders()
    {
        var planner = new MigrationPlanner(new PlanSettings { SourceBucket = "m", TargetBucket = "m" });
        var order = planner.Plan(new[] { Obj("5_a/"), Obj("5_b/x.mp3"), Obj("6_c/y.mp3") }, new[] { "5_a", "5_b", "6_c" })
            .Select(i => i.SourceKey).ToList();
        Assert.Equal(new[] { "5_a/", "5_b/x.mp3", "6_c/y.mp3" }, order);
    }

    [Fact]
    public void A_copy_the_journal_verified_is_skipped_even_when_its_etag_differs_from_the_source()
    {
        var planner = new MigrationPlanner(new PlanSettings
        {
            SourceBucket = "m", TargetBucket = "m",
            Existing = WithDestination("audio/5_a_x.mp3", 1, "kmsetag00000000000000000000000000"),
            Verified = new Dictionary<string, (string, long, string, string)> { ["s3://m/5_a/x.mp3"] = ("s3://m/audio/5_a_x.mp3", 1, "kmsetag00000000000000000000000000", "0cc175b9c0f1b6a831c399e269772661") },
        });
        var item = Assert.Single(planner.Plan(new[] { Obj("5_a/x.mp3") }, new[] { "5_a" }));
        Assert.Equal(MigrationItemStatus.Skipped, item.Status);
        Assert.Contains("journal", item.Notes);

        var unproven = new MigrationPlanner(new PlanSettings { SourceBucket = "m", TargetBucket = "m", Existing = WithDestination("audio/5_a_x.mp3", 1, "kmsetag00000000000000000000000000") });
        Assert.Equal(MigrationItemStatus.Conflict, Assert.Single(unproven.Plan(new[] { Obj("5_a/x.mp3") }, new[] { "5_a" })).Status);
    }

    private static DestinationIndex WithDestination(string key, long size, string etag)
    {
        var index = new DestinationIndex();
        index.Add(key, size, etag);
        return index;
    }
}
