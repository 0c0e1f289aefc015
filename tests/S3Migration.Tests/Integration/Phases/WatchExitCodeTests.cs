using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// Issue 12: the watch's exit codes hold for every way a run can fail, as a scheduler runs it (pwsh -File, a real
/// process): 0 all verified, 1 problems found, and 2 whenever the check could not run, including a wrong or missing
/// parameter (pwsh -File's own binding failure exits 1, which reads as "problems found") and a workspace another run
/// is writing into (refused, never 0).
/// </summary>
[Collection(S3Collection.Name)]
public class WatchExitCodeTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    private static readonly string Daily = Path.Combine(RepoPaths.Root, "scripts", "Invoke-DailyIntegrityCheck.ps1");
    public WatchExitCodeTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private static (int Exit, string Output) RunDaily(params string[] arguments)
    {
        using var pwsh = PwshProcess.StartFile(Daily, arguments);
        Assert.True(pwsh.WaitForExit(TimeSpan.FromMinutes(2)), "the daily check did not end:\n" + pwsh.Output);
        return (pwsh.ExitCode!.Value, pwsh.Output);
    }

    private string Migrated(TempDir dir, TestBucket b)
    {
        var ws = dir.File("ws");
        var run = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop | Out-Null",
            ("bucket", b.Name), ("ws", ws));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        return ws;
    }

    [SkippableFact]
    public void Run_by_pwsh_File_the_daily_check_exits_0_then_1_then_2_for_each_failure_to_run()
    {
        Skip.If(PwshProcess.Locate(out var noPwsh) == null, noPwsh);
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("watchexit"));
        b.Put("1_Ann/a.mp3", "ann audio"); b.Put("2_Bo/b.pdf", "bo cv");
        var ws = Migrated(dir, b);

        var ok = RunDaily("-WorkspacePath", ws, "-EndpointUrl", _moto.EndpointUrl);
        Assert.True(ok.Exit == 0, ok.Output);
        Assert.Contains("Result: OK", ok.Output);

        _s3.DeleteObjectAsync(b.Name, "documents/2_Bo_b.pdf").GetAwaiter().GetResult();
        var bad = RunDaily("-WorkspacePath", ws, "-EndpointUrl", _moto.EndpointUrl);
        Assert.True(bad.Exit == 1, bad.Output);
        Assert.Contains("Result: PROBLEMS FOUND", bad.Output);

        // A parameter the check does not take: pwsh -File alone would exit 1 ("problems found") before the script ran.
        var wrong = RunDaily("-WorkspacePath", ws, "-EndpointUrl", _moto.EndpointUrl, "-Regoin", "eu-west-1");
        Assert.True(wrong.Exit == 2, wrong.Output);
        Assert.Contains("could not run", wrong.Output);
        Assert.Contains("'Regoin'", wrong.Output);

        var missing = RunDaily("-EndpointUrl", _moto.EndpointUrl);
        Assert.True(missing.Exit == 2, missing.Output);
        Assert.Contains("WorkspacePath", missing.Output);

        var notThere = RunDaily("-WorkspacePath", dir.File("no-such-workspace"), "-EndpointUrl", _moto.EndpointUrl);
        Assert.True(notThere.Exit == 2, notThere.Output);
        Assert.Contains("does not exist", notThere.Output);
    }

    [SkippableFact]
    public void A_workspace_another_run_is_writing_into_is_refused_with_exit_2_and_no_report()
    {
        Skip.If(PwshProcess.Locate(out var noPwsh) == null, noPwsh);
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("watchlock"));
        b.Put("1_Ann/a.mp3", "ann audio");
        var ws = Migrated(dir, b);

        // What a running copy holds (an exclusive lock on migration_log.lock), held here by the test process.
        using (new FileStream(Path.Combine(ws, "migration_log.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var held = RunDaily("-WorkspacePath", ws, "-EndpointUrl", _moto.EndpointUrl);
            Assert.True(held.Exit == 2, held.Output);
            Assert.Contains("is held", held.Output);
            Assert.False(Directory.Exists(Path.Combine(ws, "reports")) && Directory.EnumerateFiles(Path.Combine(ws, "reports")).Any(),
                "a refused run wrote a report");
        }
        // The lock file a finished (or crashed) run leaves behind is not held: the check runs.
        var free = RunDaily("-WorkspacePath", ws, "-EndpointUrl", _moto.EndpointUrl);
        Assert.True(free.Exit == 0, free.Output);
    }
}
