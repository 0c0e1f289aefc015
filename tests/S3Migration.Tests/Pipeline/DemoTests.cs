using System.Management.Automation;
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
        Assert.True(File.Exists(dir.File("migration_certificate.html")));
        Assert.True(File.Exists(dir.File("migration_log.csv")));
        Assert.True(File.Exists(dir.File("migration_summary.json")));
        Assert.True(File.Exists(dir.File("inventory_report.json")));
        Assert.True(File.Exists(dir.File("inventory_checksums.csv")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "outputs", "output.csv")));
    }
}
