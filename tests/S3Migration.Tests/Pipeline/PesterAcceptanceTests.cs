using System.Diagnostics;
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
        Assert.Contains("Tests Passed:", output);
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
