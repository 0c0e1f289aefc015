
namespace S3Migration.Tests.Unit.Rules;

/// <summary>
/// Issue 2's "memory stays flat for a million objects": the planner holds one person's objects at a time, so what it
/// keeps while a million objects stream through does not grow with the listing.
/// </summary>
public class PlannerMemoryTests
{
    [Fact]
    public void A_million_objects_stream_through_the_planner_in_flat_memory()
    {
        const int people = 10_000, filesEach = 100;
        var folders = Enumerable.Range(1, people).Select(p => $"{p}_Person_{p}").OrderBy(f => f, StringComparer.Ordinal).ToList();
        IEnumerable<SourceObject> Listing()
        {
            // S3's key order: folder by folder, as the listing returns them.
            foreach (var folder in folders)
                for (var f = 0; f < filesEach; f++)
                    yield return new SourceObject($"{folder}/file{f:000}.mp3", 1024, DateTime.UtcNow, "0123456789abcdef0123456789abcdef", "STANDARD");
        }
        var planner = new MigrationPlanner(new PlanSettings { SourceBucket = "media", TargetBucket = "media" });
        long seen = 0, planned = 0, atTenth = 0, peak = 0;
        foreach (var item in planner.Plan(Listing(), folders))
        {
            seen++;
            if (item.Status == MigrationItemStatus.Planned) planned++;
            if (seen % 100_000 == 0)
            {
                var now = GC.GetTotalMemory(forceFullCollection: true);
                if (seen == 100_000) atTenth = now;
                peak = Math.Max(peak, now);
            }
        }
        Assert.Equal(people * (long)filesEach, seen);
        Assert.Equal(seen, planned);
        // What is retained after a million items is what it was after the first hundred thousand, give or take a few MB
        // (the folder list and test harness), not a million items' worth (hundreds of MB).
        Assert.True(peak - atTenth < 16L * 1024 * 1024, $"retained memory grew from {atTenth / 1048576} MB to {peak / 1048576} MB");
    }
}
