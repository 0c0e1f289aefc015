using System.Text.Json;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit.Reports;

/// <summary>inventory_report.json agrees with itself: its totals count what its lists list.</summary>
public class InventoryReportTests
{
    private static MigrationItem Item(string rowId, string name, string file, MigrationItemStatus status = MigrationItemStatus.Planned, OrphanReason why = OrphanReason.None) => new()
    {
        RowId = rowId, PersonName = name, PersonDirectory = $"{rowId}_{name}", FileType = status == MigrationItemStatus.Orphan ? "" : "audio",
        SourceBucket = "media", SourceKey = $"{rowId}_{name}/{file}", Size = 10, Status = status, OrphanReason = why,
        Notes = status == MigrationItemStatus.Orphan ? $"person folder has no CSV row with row_id {rowId}" : "",
    };

    [Fact]
    public void Totals_count_every_listed_person_and_say_how_many_have_no_csv_row()
    {
        using var dir = new TempDir();
        var report = new InventoryReport();
        report.Add(Item("1", "Ann", "a.mp3"));
        report.Add(Item("1", "Ann", "b.mp3"));
        report.Add(Item("2", "Bob", "a.mp3"));
        report.Add(Item("9", "Zed", "a.mp3", MigrationItemStatus.Orphan, OrphanReason.NoCsvRow));
        var rows = new Dictionary<string, PersonRow> { ["1"] = new("1", "Ann", 2), ["2"] = new("2", "Bob", 3), ["3"] = new("3", "Cy", 4) };
        var path = dir.File("inventory_report.json");
        report.Write(path, new InventoryRunInfo { SourceBucket = "media" }, rows);

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var totals = root.GetProperty("totals");
        Assert.Equal(root.GetProperty("persons").GetArrayLength(), totals.GetProperty("persons").GetInt32());
        Assert.Equal(3, totals.GetProperty("persons").GetInt32());
        Assert.Equal(1, totals.GetProperty("persons_without_csv_row").GetInt32());
        Assert.Equal(root.GetProperty("persons").EnumerateArray().Count(p => !p.GetProperty("in_csv").GetBoolean()), totals.GetProperty("persons_without_csv_row").GetInt32());
        Assert.Equal(root.GetProperty("csv_rows_without_files").GetArrayLength(), totals.GetProperty("csv_rows_without_files").GetInt32());
    }
}
