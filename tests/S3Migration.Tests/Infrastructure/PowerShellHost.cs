using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace S3Migration.Tests.Infrastructure;

/// <summary>What a pipeline produced on each stream.</summary>
public sealed record PipelineRun(
    IReadOnlyList<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<ProgressRecord> Progress,
    IReadOnlyList<string> Verbose, IReadOnlyList<string> Warnings, Exception? Terminating)
{
    public IEnumerable<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>();

    /// <summary>
    /// The error that stopped the command: a cmdlet's ThrowTerminatingError ends its statement, and the record lands
    /// in the error stream unless the script catches it (or the host invoked a lone command, which throws).
    /// </summary>
    public ErrorRecord? StoppingError => (Terminating as IContainsErrorRecord)?.ErrorRecord ?? Errors.FirstOrDefault();
}

/// <summary>
/// Runs pipeline text in the real PowerShell engine (System.Management.Automation) after importing the module
/// through S3Migration.psd1, the way an operator's session does. Only the engine's core cmdlets exist here.
/// </summary>
public static class PowerShellHost
{
    public static PipelineRun Run(string script, IDictionary<string, object?>? variables = null)
    {
        var iss = InitialSessionState.CreateDefault2();
        using var runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Import-Module").AddParameter("Name", RepoPaths.Manifest).AddParameter("ErrorAction", "Stop");
        ps.Invoke();
        if (ps.HadErrors) throw new InvalidOperationException("Import-Module failed: " + string.Join("; ", ps.Streams.Error));
        ps.Commands.Clear();
        foreach (var v in variables ?? new Dictionary<string, object?>())
            runspace.SessionStateProxy.SetVariable(v.Key, v.Value);
        ps.AddScript(script);
        Collection<PSObject> output = new();
        Exception? terminating = null;
        try { output = ps.Invoke(); }
        catch (RuntimeException ex) { terminating = ex; }
        return new PipelineRun(output.Where(o => o != null).ToList(), ps.Streams.Error.ToList(), ps.Streams.Progress.ToList(),
            ps.Streams.Verbose.Select(v => v.Message).ToList(), ps.Streams.Warning.Select(w => w.Message).ToList(), terminating);
    }
}
