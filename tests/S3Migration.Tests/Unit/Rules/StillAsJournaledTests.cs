namespace S3Migration.Tests.Unit.Rules;

/// <summary>"Already migrated?" (VerificationRule.StillAsJournaled): only a verified record whose source and destination are unchanged.</summary>
public class StillAsJournaledTests
{
    private static JournalRow Row(string status) => new JournalRow
    {
        OldPath = "s3://media/1_Ann/a.mp3", NewPath = "s3://media/audio/1_Ann_a.mp3", Size = 5, SourceETag = "aaa", DestinationETag = "aaa",
        VerificationStatus = status, Result = status == JournalRow.Verified ? "Verified" : "Failed",
    };

    private static readonly ObjectFacts Source = new ObjectFacts { Size = 5, ETag = "aaa" };

    [Fact]
    public void A_verified_record_with_source_and_destination_unchanged_is_already_migrated() =>
        Assert.True(VerificationRule.StillAsJournaled(Row(JournalRow.Verified), true, "s3://media/audio/1_Ann_a.mp3", Source, 5, "aaa"));

    [Fact]
    public void A_failed_record_is_never_already_migrated_even_with_matching_objects() =>
        Assert.False(VerificationRule.StillAsJournaled(Row(JournalRow.Failed), false, "s3://media/audio/1_Ann_a.mp3", Source, 5, "aaa"));

    [Fact]
    public void A_changed_destination_is_not_already_migrated() =>
        Assert.False(VerificationRule.StillAsJournaled(Row(JournalRow.Verified), true, "s3://media/audio/1_Ann_a.mp3", Source, 5, "bbb"));
}
