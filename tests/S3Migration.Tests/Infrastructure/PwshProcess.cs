using System.Diagnostics;
using System.Text;

namespace S3Migration.Tests.Infrastructure;

/// <summary>
/// A PowerShell script running in a real, separate pwsh process, which a test can kill the hard way (SIGKILL on Unix,
/// TerminateProcess on Windows: no finally block, no Dispose, no flush runs), as a crash or an operator's kill -9 would.
///
/// The process killed must be PowerShell itself. The dotnet-tool `pwsh` (.tools/pwsh/pwsh, from .ci/install-pester.sh)
/// is only a launcher that starts `dotnet .../pwsh.dll` as a child, so killing it would leave PowerShell running:
/// this runs the tool's pwsh.dll with the dotnet host directly. A native pwsh (its apphost hosts the runtime in its own
/// process) runs as it is. Where pwsh is found: S3MIGRATION_PWSH (a pwsh or a pwsh.dll), the repository's .tools/pwsh,
/// then pwsh on PATH. <see cref="Locate"/> says why not when none is there, for Skip.If.
/// </summary>
public sealed class PwshProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string? _scriptFile;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PwshProcess(Process process, string? scriptFile)
    {
        _process = process;
        _scriptFile = scriptFile;
    }

    /// <summary>How to start PowerShell: the file to run and the arguments before the script's; null with the reason when there is none.</summary>
    public static (string File, string[] Prefix)? Locate(out string whyNot)
    {
        whyNot = "";
        var given = Environment.GetEnvironmentVariable("S3MIGRATION_PWSH");
        if (!string.IsNullOrEmpty(given))
        {
            if (File.Exists(given)) return Launch(given);
            whyNot = $"S3MIGRATION_PWSH names '{given}', which does not exist";
            return null;
        }
        var store = Path.Combine(RepoPaths.Root, ".tools", "pwsh", ".store");
        if (ToolDll(store) is { } dll) return Launch(dll);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
            if (!File.Exists(candidate)) continue;
            var real = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            // A dotnet-tool launcher keeps PowerShell in its .store: run that pwsh.dll, not the launcher.
            if (ToolDll(Path.Combine(Path.GetDirectoryName(real)!, ".store")) is { } toolDll) return Launch(toolDll);
            return Launch(real);
        }
        whyNot = "pwsh was not found (S3MIGRATION_PWSH, .tools/pwsh from .ci/install-pester.sh, or PATH)";
        return null;
    }

    /// <summary>Starts <paramref name="script"/> in a new pwsh (-NoProfile -NonInteractive), with extra environment variables.</summary>
    public static PwshProcess Start(string script, IDictionary<string, string>? env = null)
    {
        var file = Path.Combine(Path.GetTempPath(), "s3mig-pwsh-" + Guid.NewGuid().ToString("N")[..10] + ".ps1");
        File.WriteAllText(file, script, new UTF8Encoding(true));
        return StartFile(file, Array.Empty<string>(), env, ownsFile: true);
    }

    /// <summary>
    /// Runs an existing script as a scheduler would: pwsh -NoProfile -NonInteractive -File <paramref name="scriptPath"/>
    /// followed by <paramref name="arguments"/> as separate command-line words, so its exit code is pwsh's.
    /// </summary>
    public static PwshProcess StartFile(string scriptPath, IEnumerable<string> arguments, IDictionary<string, string>? env = null) =>
        StartFile(scriptPath, arguments, env, ownsFile: false);

    private static PwshProcess StartFile(string file, IEnumerable<string> arguments, IDictionary<string, string>? env, bool ownsFile)
    {
        var how = Locate(out var whyNot) ?? throw new InvalidOperationException(whyNot);
        var start = new ProcessStartInfo(how.File)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var a in how.Prefix) start.ArgumentList.Add(a);
        foreach (var a in new[] { "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File", file }) start.ArgumentList.Add(a);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (name, value) in env ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var p = new PwshProcess(process, ownsFile ? file : null);
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (p._output) p._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (p._output) p._output.AppendLine(e.Data); };
        process.Exited += (_, _) => p._exited.TrySetResult();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return p;
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>What the script wrote to stdout and stderr so far.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Completes when the process has exited, however it ended.</summary>
    public Task Exited => _exited.Task;

    /// <summary>Kills PowerShell at once, nothing of it running afterwards: SIGKILL, as kill -9 does. Waits until it is gone.</summary>
    public void KillHard()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // already exited
        _process.WaitForExit(10_000);
    }

    /// <summary>True when the process exited within <paramref name="timeout"/> (its output read to the end).</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit((int)timeout.TotalMilliseconds)) return false;
        _process.WaitForExit(); // drains the redirected output
        return true;
    }

    public void Dispose()
    {
        if (!_process.HasExited) KillHard();
        _process.Dispose();
        if (_scriptFile != null) try { File.Delete(_scriptFile); } catch (IOException) { }
    }

    private static (string, string[]) Launch(string path) =>
        path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? (DotnetHost(), new[] { path }) : (path, Array.Empty<string>());

    /// <summary>The pwsh.dll of a dotnet-tool store for this OS, or null.</summary>
    private static string? ToolDll(string store)
    {
        if (!Directory.Exists(store)) return null;
        var os = OperatingSystem.IsWindows() ? "win" : "unix";
        return Directory.EnumerateFiles(store, "pwsh.dll", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == os && File.Exists(Path.ChangeExtension(f, ".runtimeconfig.json")))
            .OrderByDescending(f => f, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>The dotnet host that runs these tests (DOTNET_HOST_PATH when the SDK set it), else dotnet on PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
    }
}
