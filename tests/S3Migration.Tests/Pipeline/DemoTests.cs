using System.Management.Automation;
using System.Text.RegularExpressions;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>The README's demo, run in the engine: it starts its own S3 server, seeds, inventories and stops the server.</summary>
public class DemoTests
{
    [Fact]
    public void The_demo_runs_end_to_end_on_its_own_server()
    {
        using var dir = new TempDir();
        var run = PowerShellHost.Run("& $demo -WorkspacePath $ws", new Dictionary<string, object?>
        {
            ["demo"] = Path.Combine(RepoPaths.Root, "examples", "Demo.ps1"), ["ws"] = dir.Path,
        });
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var summary = Assert.Single(run.Output);
        int Prop(string name) => (int)summary.Properties[name].Value;
        Assert.Equal(26, Prop("Objects"));
        Assert.Equal(22, Prop("Planned"));   // every file of people 101-103
        Assert.Equal(4, Prop("Orphans"));    // readme.txt, misc/notes.txt, 103/ (a folder marker), 104 (no CSV row)
        Assert.Equal(0, Prop("Conflicts"));
        Assert.Equal(22, Prop("Copied"));          // every planned file, the .xyz into _unknown/ too
        Assert.Equal(0, Prop("CopyFailures"));
        Assert.Equal(22, Prop("SkippedOnRerun"));
        Assert.True((bool)summary.Properties["AllVerified"].Value);
        Assert.Equal(1, Prop("CaughtTampering"));
        Assert.Equal(22, Prop("CertifiedFiles"));
        // The CSV phase: 9 old URLs rewritten (people 101-103 have 3 each), their documents and images filled in, every URL answering.
        Assert.Equal(9, Prop("CsvRewritten"));
        Assert.Equal(3, Prop("PeopleCompleted"));   // 101-103; 105 has no files at all, so nothing of it was migrated
        Assert.True(Prop("CsvFilled") >= 3);
        Assert.Equal(Prop("UrlsChecked"), Prop("UrlsOk"));
        Assert.True(Prop("UrlsChecked") >= 12);
        Assert.Equal(1, Prop("UrlMismatches"));   // the tampered copy is one of the URLs the CSV now names
        // The cleanup: the whole bucket backed up first, every copied source deleted except the tampered copy's, and the
        // final report not closed because of it.
        Assert.Equal(26, Prop("BackupObjects"));
        Assert.Equal(26, Prop("BackedUp"));
        Assert.Equal(21, Prop("Deleted"));
        Assert.Equal(new object[] { "101_Ada_Lovelace/lecture.mp3" }, ((object[])summary.Properties["KeptAtCleanup"].Value).Select(o => o is PSObject p ? p.BaseObject : o));
        Assert.Equal("Verified", (string)summary.Properties["ArchiveStatus"].Value);
        Assert.Equal("NotClosed", (string)summary.Properties["FinalStatus"].Value);
        Assert.True(File.Exists(dir.File("RESTORE.md")));
        Assert.True(File.Exists(dir.File("final_report.md")));
        Assert.True(File.Exists((string)summary.Properties["CsvBackup"].Value));
        Assert.Contains("/audio/101_Ada_Lovelace_lecture.mp3", File.ReadAllText(Path.Combine(dir.Path, "outputs", "output.csv")));
        Assert.True(File.Exists(dir.File("migration_certificate.html")));
        Assert.True(File.Exists(dir.File("migration_log.csv")));
        Assert.True(File.Exists(dir.File("migration_summary.json")));
        Assert.True(File.Exists(dir.File("inventory_report.json")));
        Assert.True(File.Exists(dir.File("inventory_checksums.csv")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "outputs", "output.csv")));
    }

    [Fact]
    public void The_demo_without_a_workspace_runs_twice_in_a_row()
    {
        // The README's command, twice: each run takes a fresh workspace, so the second never reads the first's journal.
        string? first = null;
        var made = new List<string>();
        try
        {
        for (var i = 0; i < 2; i++)
        {
            var run = PowerShellHost.Run("& $demo", new Dictionary<string, object?> { ["demo"] = Path.Combine(RepoPaths.Root, "examples", "Demo.ps1") });
            Assert.Null(run.Terminating);
            Assert.Empty(run.Errors);
            var ws = (string)Assert.Single(run.Output).Properties["WorkspacePath"].Value;
            made.Add(ws);
            Assert.NotEqual(first, ws);
            first = ws;
        }
        }
        finally { foreach (var ws in made) try { Directory.Delete(ws, true); } catch (IOException) { } }
    }

    [SkippableFact]
    public void The_demo_prints_its_phases_in_order_and_says_the_open_report_is_expected()
    {
        Skip.If(PwshProcess.Locate(out var whyNot) == null, whyNot + ": the demo's printed output is read from a pwsh process");
        using var dir = new TempDir();
        using var pwsh = PwshProcess.Start("& ./examples/Demo.ps1 -WorkspacePath $env:DEMO_WS | Out-Null",
            new Dictionary<string, string> { ["DEMO_WS"] = dir.Path });
        Assert.True(pwsh.WaitForExit(TimeSpan.FromMinutes(5)), pwsh.Output);
        var output = pwsh.Output;
        Assert.True(pwsh.ExitCode == 0, output);
        var phases = Regex.Matches(output, @"^== Phase (\d)", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(new[] { 1, 1, 1, 2, 2, 3, 4, 5 }, phases);
        // The tampering is deliberate, and the open report says so rather than leaving the reader alarmed.
        var verdict = output.IndexOf("The migration is NOT closed", StringComparison.Ordinal);
        Assert.True(verdict > 0, output);
        var after = output[verdict..];
        Assert.Contains("This is expected here: the demo seeded orphans", after);
        Assert.Contains("tampered with 101_Ada_Lovelace/lecture.mp3's copy on purpose", after);
    }
}
