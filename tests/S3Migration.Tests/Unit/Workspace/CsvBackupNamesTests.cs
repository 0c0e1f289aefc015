using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit.Workspace;

/// <summary>The CSV backups' names are written in one place and found by one pattern: every name written is found.</summary>
public class CsvBackupNamesTests
{
    [Fact]
    public void Every_backup_name_the_cmdlets_write_is_one_the_archive_finds()
    {
        using var dir = new TempDir();
        var csv = dir.File("output.csv");
        var folder = CsvBackupNames.DefaultFolder(csv);
        Directory.CreateDirectory(folder);
        var at = new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        var restore = CsvBackupNames.FreeTimestampedPath(folder, "output", CsvBackupNames.PreRestore + ".csv", at);
        File.WriteAllText(restore, "x");
        var written = new[]
        {
            CsvBackupNames.PreMigrationName(csv, at),
            "output" + CsvBackupNames.PreUrlUpdate + ".csv",
            Path.GetFileName(CsvBackupNames.FreeTimestampedPath(folder, "output" + CsvBackupNames.PreUrlUpdate, ".csv", at)),
            Path.GetFileName(restore),
            Path.GetFileName(CsvBackupNames.FreeTimestampedPath(folder, "output", CsvBackupNames.PreRestore + ".csv", at)),
        };
        Assert.Equal("output_20250301_120000_pre_migration.csv", written[0]);
        Assert.Equal("output_20250301_120000_2_pre_restore.csv", written[4]);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csv))!, "backups"), folder);
        var pattern = CsvBackupNames.Pattern(csv);
        foreach (var name in written)
            foreach (var side in new[] { "", ".md5", ".gz" })
                Assert.Matches(pattern, name + side);
        Assert.DoesNotMatch(pattern, "other_20250301_120000_pre_migration.csv");
        Assert.DoesNotMatch(pattern, "output.csv");
    }
}
