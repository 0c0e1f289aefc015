using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit.Reports;

/// <summary>
/// The final report labels the inventory's orphans by the reason the planner recorded (inventory_checksums.csv's
/// orphan_reason), not by the words of their notes, and still reads an inventory written before that column existed.
/// </summary>
public class FinalReportOrphanTests
{
    /// <summary>The Leftovers section of a final report on a workspace whose one planned file, 1_Ann/a.mp3, was copied.</summary>
    private static string Leftovers(string ws)
    {
        FinalReportTests.Journal(ws, FinalReportTests.Row("1_Ann/a.mp3", JournalRow.Verified));
        var r = FinalReport.Create(ws, Path.Combine(ws, "final_report.md"), "Final");
        return File.ReadAllText(r.Path).Split("## Leftovers")[1];
    }

    [Fact]
    public void An_orphan_is_labelled_by_its_recorded_reason_not_by_its_note()
    {
        using var dir = new TempDir();
        FinalReportTests.Inventory(dir.Path,
            ("9_Zed/z.mp3", "Orphan", "", "a note in other words", OrphanReason.NoCsvRow),
            ("misc/n.txt", "Orphan", "", "folder 'misc' has no CSV row wording, but is no person folder", OrphanReason.NotAPersonFolder),
            ("1_Ann/", "Orphan", "", "folder marker (an object whose key ends in '/')", OrphanReason.FolderMarker),
            ("1_Ann/a.mp3", "Planned", "audio/1_Ann_a.mp3", "", OrphanReason.None));

        var md = Leftovers(dir.Path);
        Assert.Contains("| s3://src/9_Zed/z.mp3 | unmatched person folder | a note in other words | UNACCOUNTED FOR |", md);
        Assert.Contains("| s3://src/misc/n.txt | orphan | folder 'misc' has no CSV row wording, but is no person folder | UNACCOUNTED FOR |", md);
        Assert.Contains("| s3://src/1_Ann/ | folder marker |", md);
    }

    [Fact]
    public void An_inventory_without_the_orphan_reason_column_is_read_and_labelled_by_the_generic_word_or_the_folder_marker_path()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File(InventoryChecksumsWriter.ReportFileName), """{ "source_bucket": "src", "destination_bucket": "src" }""");
        File.WriteAllText(dir.File(InventoryChecksumsWriter.FileName),
            "key,size,etag,md5,md5_source,storage_class,last_modified,status,file_type,target_key,notes,row_id,person_name\n"
            + "1_Ann/,0,e,,,STANDARD,,Orphan,,,folder marker (an object whose key ends in '/'),,\n"
            + "9_Zed/z.mp3,1,e,,,STANDARD,,Orphan,audio,,person folder has no CSV row with row_id 9,9,Zed\n"
            + "1_Ann/a.mp3,1,e,,,STANDARD,,Planned,audio,audio/1_Ann_a.mp3,,1,Ann\n");

        var inventory = ClosureFactsReader.ReadInventory(dir.Path)!;
        Assert.Equal(3, inventory.Count);
        Assert.All(inventory, o => Assert.Equal(OrphanReason.None, o.OrphanReason));

        var md = Leftovers(dir.Path);
        Assert.Contains("| s3://src/9_Zed/z.mp3 | orphan | person folder has no CSV row with row_id 9 | UNACCOUNTED FOR |", md);
        Assert.Contains("| s3://src/1_Ann/ | folder marker |", md);
    }

    [Fact]
    public void The_writer_records_the_reason_as_the_last_column_and_the_reader_takes_it_back()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File(InventoryChecksumsWriter.ReportFileName), """{ "source_bucket": "src" }""");
        using (var w = new InventoryChecksumsWriter(dir.File(InventoryChecksumsWriter.FileName)))
        {
            w.Write(new MigrationItem { SourceKey = "9_Zed/z.mp3", Status = MigrationItemStatus.Orphan, OrphanReason = OrphanReason.NoCsvRow, Notes = "no row" });
            w.Write(new MigrationItem { SourceKey = "1_Ann/a.mp3", Status = MigrationItemStatus.Planned, TargetKey = "audio/1_Ann_a.mp3" });
            w.Complete();
        }
        var lines = File.ReadAllLines(dir.File(InventoryChecksumsWriter.FileName));
        Assert.EndsWith(",orphan_reason", lines[0]);
        Assert.EndsWith(",NoCsvRow", lines[1]);
        Assert.EndsWith(",", lines[2]);

        var rows = InventoryChecksumsWriter.Rows(dir.Path).ToDictionary(r => r.Source.Key);
        Assert.Equal(OrphanReason.NoCsvRow, rows["9_Zed/z.mp3"].OrphanReason);
        Assert.Equal(OrphanReason.None, rows["1_Ann/a.mp3"].OrphanReason);
    }
}
