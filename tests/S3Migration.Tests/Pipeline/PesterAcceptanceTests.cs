using System.Diagnostics;
using System.Text.RegularExpressions;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// Runs the Pester acceptance files (Pester/, tag Acceptance) in a real pwsh when pwsh with Pester 5 is on PATH,
/// so one `dotnet test` covers both suites. Without them the test reports itself skipped, never passed.
/// </summary>
public class PesterAcceptanceTests
{
    [SkippableFact]
    public void Pester_acceptance_tests_pass_in_pwsh()
    {
        var pwsh = FindOnPath("pwsh");
        Skip.If(pwsh == null, "pwsh is not on PATH: the Pester acceptance tests were not run");
        var (probeExit, probeOut) = Run(pwsh!, "-NoProfile -NonInteractive -Command \"@(Get-Module -ListAvailable Pester | Where-Object { $_.Version.Major -ge 5 }).Count\"", TimeSpan.FromMinutes(1));
        Skip.If(probeExit != 0 || !int.TryParse(probeOut.Trim().Split('\n').Last(), out var n) || n == 0,
            "Pester 5 is not installed for pwsh: the Pester acceptance tests were not run");

        var script = "$c = New-PesterConfiguration; $c.Run.Path = './Pester'; $c.Filter.Tag = 'Acceptance'; $c.Run.Exit = $true; "
                     + "$c.Output.Verbosity = 'Detailed'; Invoke-Pester -Configuration $c";
        var (exit, output) = Run(pwsh!, $"-NoProfile -NonInteractive -Command \"{script}\"", TimeSpan.FromMinutes(10));
        Assert.True(exit == 0, "Pester failed:\n" + output);
        AssertPesterPassed(output);
    }

    [Theory]
    [InlineData("Tests Passed: 0, Failed: 0, Skipped: 0, Inconclusive: 0, NotRun: 0", false)]       // nothing ran
    [InlineData("Tests Passed: 7, Failed: 1, Skipped: 0, Inconclusive: 0, NotRun: 0", false)]
    [InlineData("Tests Passed: ", false)]
    [InlineData("\u001b[32mTests Passed: 12, \u001b[0m\u001b[90mFailed: 0, \u001b[0m\u001b[90mSkipped: 1, \u001b[0m", true)] // pwsh colours it
    [InlineData("Tests Passed: 12, Failed: 0, Skipped: 0, Inconclusive: 0, NotRun: 0", true)]
    public void The_pester_summary_must_show_tests_passed_and_none_failed(string output, bool passes)
    {
        var ex = Record.Exception(() => AssertPesterPassed(output));
        Assert.True(passes == (ex == null), ex?.Message ?? "accepted");
    }

    /// <summary>Pester's summary line, "Tests Passed: N, Failed: M, ...": at least one test passed and none failed.</summary>
    internal static void AssertPesterPassed(string output)
    {
        var plain = Regex.Replace(output, "\u001b\\[[0-9;]*[A-Za-z]", ""); // pwsh colours the summary
        var m = Regex.Match(plain, @"Tests Passed: (\d+), Failed: (\d+)");
        Assert.True(m.Success, "Pester printed no summary line:\n" + output);
        var (passed, failed) = (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
        Assert.True(passed > 0 && failed == 0, $"Pester: {passed} passed, {failed} failed:\n" + output);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    private static (int Exit, string Output) Run(string file, string args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout)) { p.Kill(true); return (-1, "timed out\n" + stdout.Result + stderr.Result); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
