using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit.Workspace;

/// <summary>migration_state.json: one id per migration, one people CSV per workspace.</summary>
public class MigrationStateTests
{
    [Fact]
    public void The_id_is_made_once_and_kept()
    {
        using var dir = new TempDir();
        Assert.Equal("", MigrationState.Load(dir.Path).MigrationId);
        var id = MigrationState.Ensure(dir.Path).MigrationId;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, MigrationState.Ensure(dir.Path).MigrationId);
        Assert.Equal(id, MigrationState.Load(dir.Path).MigrationId);
    }

    [Fact]
    public void A_workspace_serves_one_people_csv_and_refuses_another_without_changing_the_record()
    {
        using var dir = new TempDir();
        var csv = dir.File("output.csv");
        var id = MigrationState.RecordCsv(dir.Path, csv).MigrationId;
        Assert.Equal(Path.GetFullPath(csv), MigrationState.Load(dir.Path).CsvPath);
        MigrationState.RecordCsv(dir.Path, csv); // the same CSV again is fine

        var other = Assert.Throws<MigrationException>(() => { MigrationState.RecordCsv(dir.Path, dir.File("other.csv")); });
        Assert.Equal("WorkspaceServesOtherCsv", other.ErrorId);
        Assert.Contains(Path.GetFullPath(csv), other.Message);
        Assert.Equal((Path.GetFullPath(csv), id), (MigrationState.Load(dir.Path).CsvPath, MigrationState.Load(dir.Path).MigrationId));
    }

    [Fact]
    public void A_damaged_state_file_is_refused_with_what_to_do()
    {
        using var dir = new TempDir();
        File.WriteAllText(MigrationState.PathIn(dir.Path), "{ not json");
        var ex = Assert.Throws<MigrationException>(() => { MigrationState.Load(dir.Path); });
        Assert.Equal("WorkspaceStateMalformed", ex.ErrorId);
    }
}
