
namespace S3Migration.Tests.Unit.Rules;

/// <summary>Which items Copy-PersonFiles copies and which it passes through, and which sources a backup can keep under their own key.</summary>
public class CopyEligibilityTests
{
    private static CopyItem Item(string targetKey = "audio/472_K_x.mp3", string sourceKey = "472_K/x.mp3", string targetBucket = "b") =>
        new() { SourceBucket = "b", SourceKey = sourceKey, TargetBucket = targetBucket, TargetKey = targetKey };

    private static string? Why(CopyItem item, string? status, string? conflictKind = null, bool force = false, string? notes = null,
        string? plannedBucket = null, string? destinationBucket = null) =>
        CopyEligibility.WhyNotCopied(item, status, notes, conflictKind, force, plannedBucket, destinationBucket);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Planned")]
    [InlineData("planned")]
    [InlineData("Skipped")]
    public void Planned_items_without_a_status_and_items_found_already_migrated_are_copied(string? status) =>
        Assert.Null(Why(Item(), status));

    [Fact]
    public void A_skipped_item_without_a_target_is_passed_through() =>
        Assert.Equal("inventory status Skipped", Why(Item(targetKey: ""), "Skipped"));

    [Theory]
    [InlineData("Orphan", null, true, "inventory status Orphan: no person")]
    [InlineData("Conflict", "SharedTarget", true, "inventory status Conflict: no person")]
    [InlineData("Conflict", "TargetDiffers", false, "inventory status Conflict: no person")]
    public void Orphans_shared_targets_and_conflicts_without_Force_are_passed_through_with_the_inventory_s_note(string status, string? kind, bool force, string why) =>
        Assert.Equal(why, Why(Item(), status, kind, force, notes: "no person"));

    [Fact]
    public void Force_copies_over_a_target_that_holds_other_content_but_never_onto_a_shared_target()
    {
        Assert.Null(Why(Item(), "Conflict", "TargetDiffers", force: true));
        Assert.NotNull(Why(Item(), "Conflict", "SharedTarget", force: true));
    }

    [Theory]
    [InlineData("", "no target key")]
    [InlineData("/audio/x.mp3", "target key '/audio/x.mp3' starts or ends with '/'")]
    [InlineData("audio/", "target key 'audio/' starts or ends with '/'")]
    [InlineData("472_K/x.mp3", "the target is the source")]
    public void A_target_key_that_cannot_be_a_copy_s_is_refused(string targetKey, string why) =>
        Assert.Equal(why, Why(Item(targetKey), null));

    [Fact]
    public void An_item_planned_for_another_bucket_than_DestinationBucket_is_refused()
    {
        Assert.StartsWith("planned for bucket 'old', not -DestinationBucket 'new'", Why(Item(targetBucket: "old"), "Planned", plannedBucket: "old", destinationBucket: "new"));
        Assert.Null(Why(Item(targetBucket: "new"), "Planned", plannedBucket: "new", destinationBucket: "new"));
        Assert.Null(Why(Item(targetBucket: "new"), "Planned", destinationBucket: "new"));
    }

    [Fact]
    public void A_backup_keeps_every_source_that_S3_can_name_under_a_key_S3_allows()
    {
        Assert.Null(CopyEligibility.WhyNotBackedUp(Item(targetKey: "backup/472_K/x.mp3")));
        Assert.StartsWith("the source key starts with '/'", CopyEligibility.WhyNotBackedUp(Item(sourceKey: "/x.mp3", targetKey: "backup//x.mp3")));
        Assert.StartsWith("the backup key would be longer than S3's 1024 bytes", CopyEligibility.WhyNotBackedUp(Item(targetKey: "backup/" + new string('ä', 510))));
        Assert.Null(CopyEligibility.WhyNotBackedUp(Item(targetKey: new string('ä', 512)))); // 1024 bytes exactly
    }
}
