namespace S3Migration.Tests.Unit.Rules;

/// <summary>What a listing proves about a deletion (Rules/DeletionEvidence), without a server.</summary>
public class DeletionEvidenceTests
{
    private static ListedVersion V(string id, bool latest = false) => new("1_Ann/a.mp3", id, latest, false);
    private static ListedVersion Marker(bool latest = true) => new("1_Ann/a.mp3", "dm", latest, true);

    [Fact]
    public void On_an_unversioned_bucket_only_a_key_the_listing_no_longer_shows_is_deleted()
    {
        var gone = DeletionEvidence.AfterDelete(stillListed: false);
        Assert.Equal((RemovalStatus.Deleted, true, (string?)null), (gone.Status, gone.Reclaimed, gone.Notes));
        var there = DeletionEvidence.AfterDelete(stillListed: true);
        Assert.Equal((RemovalStatus.Failed, false), (there.Status, there.Reclaimed));
        Assert.StartsWith("still listed after the delete", there.Notes);
    }

    [Fact]
    public void A_delete_marker_keeps_the_checked_version_and_reclaims_nothing()
    {
        var hidden = DeletionEvidence.AfterDelete(new[] { Marker(), V("v1"), V("v0") }, "v1", permanently: false);
        Assert.Equal((RemovalStatus.DeleteMarker, false, (string?)null), (hidden.Status, hidden.Reclaimed, hidden.Notes));
        Assert.Equal(new[] { "1 other noncurrent versions of the key remain too" }, hidden.MoreNotes);

        var current = DeletionEvidence.AfterDelete(new[] { V("v2", latest: true), V("v1") }, "v1", permanently: false);
        Assert.Equal((RemovalStatus.Failed, "the listing after the delete shows a current version, not a delete marker"), (current.Status, current.Notes));

        // Suspended versioning: the delete marker replaced the null version, which is gone.
        var replaced = DeletionEvidence.AfterDelete(new[] { Marker() }, "", permanently: false);
        Assert.Equal((RemovalStatus.Deleted, true), (replaced.Status, replaced.Reclaimed));
        Assert.Equal("the verified version null is gone; a delete marker is the latest version", replaced.Notes);
    }

    [Fact]
    public void A_permanent_delete_counts_only_when_the_checked_version_is_gone_and_names_what_it_left()
    {
        var still = DeletionEvidence.AfterDelete(new[] { V("v1", latest: true) }, "v1", permanently: true);
        Assert.Equal((RemovalStatus.Failed, "the listing after the delete still shows version v1"), (still.Status, still.Notes));

        var gone = DeletionEvidence.AfterDelete(new[] { V("v2", latest: true), V("v0") }, "v1", permanently: true);
        Assert.Equal((RemovalStatus.Deleted, true, (string?)null), (gone.Status, gone.Reclaimed, gone.Notes));
        Assert.Equal(new[] { "a version written after the check is the current version and was not deleted", "2 other versions of the key left in place (not deleted)" }, gone.MoreNotes);
    }

    [Fact]
    public void An_announced_deletion_is_settled_by_where_the_source_stands_now()
    {
        Assert.Equal(ListedAs.Gone, DeletionEvidence.AmongVersions(Array.Empty<ListedVersion>(), "v1"));
        Assert.Equal(ListedAs.Gone, DeletionEvidence.AmongVersions(new[] { V("v2", latest: true) }, "v1"));
        Assert.Equal(ListedAs.HiddenByDeleteMarker, DeletionEvidence.AmongVersions(new[] { Marker(), V("v1") }, "v1"));
        Assert.Equal(ListedAs.HiddenByDeleteMarker, DeletionEvidence.AmongVersions(new[] { Marker(), V("v1") }, ""));
        Assert.Equal(ListedAs.Present, DeletionEvidence.AmongVersions(new[] { V("v1", latest: true) }, "v1"));

        var gone = DeletionEvidence.OfIntent(ListedAs.Gone, versioned: true, "v1");
        Assert.Equal((RemovalStatus.Deleted, true), (gone.Status, gone.Reclaimed));
        Assert.StartsWith("deleted by a run that stopped before it logged the outcome", gone.Notes);
        Assert.EndsWith("no longer shows the checked version", gone.Notes);
        Assert.EndsWith("no longer shows it", DeletionEvidence.OfIntent(ListedAs.Gone, versioned: false, "").Notes);
        var hidden = DeletionEvidence.OfIntent(ListedAs.HiddenByDeleteMarker, versioned: true, "v1");
        Assert.Equal((RemovalStatus.DeleteMarker, false), (hidden.Status, hidden.Reclaimed));
        Assert.StartsWith("hidden behind a delete marker by a run that stopped", hidden.Notes);
        var kept = DeletionEvidence.OfIntent(ListedAs.Present, versioned: false, "");
        Assert.Equal((RemovalStatus.Kept, false), (kept.Status, kept.Reclaimed));
        Assert.EndsWith("still shows it; it is checked again", kept.Notes);
    }
}
