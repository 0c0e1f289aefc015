using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// A killed Update-OutputCsv leaves its full-size temporary file (.output.csv.XXXXXXXX.tmp) beside the people CSV: the
/// next Update-OutputCsv or Restore-OutputCsv removes it, says so with -Verbose, and touches nothing else, nor the
/// temporary file of a run that is still swapping.
/// </summary>
[Collection(S3Collection.Name)]
public class CsvTempCleanupTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public CsvTempCleanupTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private (string Csv, string Ws) Migrated(TempDir dir)
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName("csvtmp"));
        b.Put("1_Ann/a.mp3", "ann audio");
        var ws = dir.File("ws");
        var copy = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop",
            ("bucket", b.Name), ("ws", ws));
        Assert.Null(copy.Terminating);
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, $"row_id,name,s3_audio_url\n1,Ann,s3://{b.Name}/1_Ann/a.mp3\n");
        return (csv, ws);
    }

    [Fact]
    public void The_next_update_and_restore_remove_the_temporary_files_of_a_killed_run_of_this_CSV_only()
    {
        // Issue 10, item 9: a killed Update-OutputCsv left a full-size .output.csv.*.tmp that later runs never cleaned.
        using var dir = new TempDir();
        var (csv, ws) = Migrated(dir);
        var killed = new[] { dir.File(".output.csv.1a2b3c4d.tmp"), dir.File(".output.csv.deadbeef.tmp") };
        foreach (var k in killed) File.WriteAllBytes(k, File.ReadAllBytes(csv));
        var others = new[] { dir.File(".other.csv.1a2b3c4d.tmp"), dir.File(".output.csv.notes.tmp"), dir.File("output.csv.1a2b3c4d.tmp"), dir.File(".output.csv.1a2b3c4d.tmp.keep") };
        foreach (var o in others) File.WriteAllText(o, "not a temporary file of this CSV's swap");

        var run = PowerShellHost.Run("Update-OutputCsv -Path $csv -WorkspacePath $ws -Verbose", new Dictionary<string, object?> { ["csv"] = csv, ["ws"] = ws });
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        Assert.True(Assert.Single(run.Objects<CsvUpdateComparison>()).Replaced);
        Assert.All(killed, k => Assert.False(File.Exists(k), k));
        Assert.All(others, o => Assert.True(File.Exists(o), o));
        Assert.Contains(run.Verbose, v => v.Contains("killed run") && v.Contains(".output.csv.1a2b3c4d.tmp") && v.Contains(".output.csv.deadbeef.tmp"));
        Assert.Empty(Directory.GetFiles(dir.Path, ".output.csv.*").Where(f => !others.Contains(f)));   // no temp, no lock left by this run

        // Restore-OutputCsv cleans up the same way.
        File.WriteAllText(dir.File(".output.csv.0badf00d.tmp"), "half a CSV");
        var restore = PowerShellHost.Run("Restore-OutputCsv -WorkspacePath $ws -Confirm:$false -Verbose", new Dictionary<string, object?> { ["ws"] = ws });
        Assert.Null(restore.Terminating);
        Assert.Equal(CsvRestoreStatus.Restored, Assert.Single(restore.Objects<CsvRestoreResult>()).Status);
        Assert.False(File.Exists(dir.File(".output.csv.0badf00d.tmp")));
        Assert.Contains(restore.Verbose, v => v.Contains(".output.csv.0badf00d.tmp"));
    }

    [Fact]
    public void A_run_that_is_still_swapping_keeps_its_temporary_file_and_a_second_run_stops()
    {
        using var dir = new TempDir();
        var (csv, ws) = Migrated(dir);
        string? inFlight = null;
        S3Migration.Model.MigrationException? second = null;
        // While the first run holds the CSV (its temporary file written, not yet renamed), a second one comes along.
        CsvFileSwap.BeforeSwap = temp =>
        {
            inFlight = temp;
            second = Assert.Throws<S3Migration.Model.MigrationException>(() => CsvFileSwap.Replace(csv, new byte[] { 1 }, "x", _ => null));
            Assert.True(File.Exists(temp));
        };
        try
        {
            var run = PowerShellHost.Run("Update-OutputCsv -Path $csv -WorkspacePath $ws", new Dictionary<string, object?> { ["csv"] = csv, ["ws"] = ws });
            Assert.Null(run.Terminating);
            Assert.True(Assert.Single(run.Objects<CsvUpdateComparison>()).Replaced);
        }
        finally { CsvFileSwap.BeforeSwap = null; }
        Assert.NotNull(inFlight);
        Assert.Equal("CsvBusy", second!.ErrorId);
        Assert.Contains("another Update-OutputCsv or Restore-OutputCsv", second.Message);
        Assert.Contains("audio/1_Ann_a.mp3", File.ReadAllText(csv));          // the first run finished its swap
        Assert.False(File.Exists(inFlight));
    }
}
