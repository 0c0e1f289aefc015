using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using S3Migration.Model;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// What every cmdlet of the module shares: cancellation for Ctrl+C, the one place a task is waited on (the cmdlet
    /// edge), the one mapping from MigrationException to ErrorRecord, paths resolved as PowerShell resolves them, and
    /// progress records. A cmdlet built on it keeps only its parameters, ShouldProcess, progress and output.
    /// </summary>
    public abstract class MigrationCmdletBase : PSCmdlet
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        /// <summary>Cancelled by Ctrl+C (StopProcessing): every async call of the cmdlet takes it.</summary>
        protected CancellationToken StopToken => _stop.Token;

        protected override void StopProcessing() => _stop.Cancel();

        /// <summary>
        /// Runs async work to its end on the pipeline thread, with <see cref="StopToken"/>. The module's phases are async
        /// down to the SDK; this is where a cmdlet, which PowerShell calls synchronously, waits for them.
        /// </summary>
        protected T RunAsync<T>(Func<CancellationToken, Task<T>> work) => work(StopToken).GetAwaiter().GetResult();

        /// <inheritdoc cref="RunAsync{T}"/>
        protected void RunAsync(Func<CancellationToken, Task> work) => work(StopToken).GetAwaiter().GetResult();

        /// <summary>
        /// The wait of the module's other synchronous edge, the argument completers (ArgumentCompleters.cs), which
        /// PowerShell calls at the prompt: the work they wait for bounds its own time and does not throw.
        /// </summary>
        internal static T WaitAtTheEdge<T>(Task<T> work) => work.GetAwaiter().GetResult();

        /// <summary>
        /// Takes an async phase's items (results, progress steps) one at a time on the pipeline thread, so the cmdlet may
        /// call ShouldProcess, WriteProgress and WriteObject for each. When the items end, fail or are abandoned (Ctrl+C,
        /// a terminating error, Select-Object -First), the phase's finally blocks run before this returns or throws.
        /// </summary>
        protected System.Collections.Generic.IEnumerable<T> Each<T>(Func<CancellationToken, System.Collections.Generic.IAsyncEnumerable<T>> items)
        {
            var e = items(StopToken).GetAsyncEnumerator(StopToken);
            try
            {
                while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult()) yield return e.Current;
            }
            finally { e.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        }

        /// <summary>
        /// The stepped wait of a cmdlet that feeds a phase (Phases/BoundedRunner): each step waits until the phase has moved
        /// on or its patience has passed (the step answers true when done), and <paramref name="report"/> runs after each
        /// answer, the last one too, on the pipeline thread: output streams and progress moves while the work runs.
        /// </summary>
        protected void RunUntil(Func<CancellationToken, Task<bool>> step, Action report)
        {
            while (!RunAsync(step)) report();
            report();
        }

        /// <summary>Waits for <paramref name="work"/>, calling <paramref name="report"/> every <paramref name="every"/> while it runs (progress of a long phase).</summary>
        protected T RunReporting<T>(Task<T> work, TimeSpan every, Action report)
        {
            RunUntil(async ct =>
            {
                try { await work.WaitAsync(every, ct).ConfigureAwait(false); return true; }
                catch (TimeoutException) { return false; }
            }, report);
            return RunAsync(_ => work);
        }

        /// <summary>A path as PowerShell resolves it (relative to the current location, ~ and PSDrives), existing or not.</summary>
        protected string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        /// <summary><see cref="ResolvePath"/>, or null for a parameter that was not given.</summary>
        protected string? ResolvePathOrNull(string? path) => path != null ? ResolvePath(path) : null;

        /// <summary>True when the two paths name one folder (case-insensitively on Windows).</summary>
        protected static bool SameFolder(string a, string b) =>
            string.Equals(System.IO.Path.GetFullPath(a).TrimEnd('/', '\\'), System.IO.Path.GetFullPath(b).TrimEnd('/', '\\'),
                RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

        /// <summary>Stops the cmdlet with an error that says what to fix.</summary>
        protected void Terminate(MigrationException ex) => ThrowTerminatingError(ToErrorRecord(ex));

        /// <summary>Reports an error that does not stop the cmdlet (the next piped object is still processed).</summary>
        protected void WriteError(MigrationException ex) => WriteError(ToErrorRecord(ex));

        /// <summary>Stops the cmdlet over parameters or input that do not go together, as PowerShell reports argument errors.</summary>
        protected void TerminateInvalidArgument(ArgumentException ex, string errorId, object? target) =>
            ThrowTerminatingError(InvalidArgument(ex, errorId, target));

        /// <summary>Stops the cmdlet over a workspace journal it cannot read (damaged beyond a torn last row).</summary>
        protected void TerminateJournalMalformed(System.IO.InvalidDataException ex, object? target) =>
            ThrowTerminatingError(new ErrorRecord(ex, "JournalMalformed", ErrorCategory.InvalidData, target));

        /// <summary>Stops the cmdlet over a workspace file it cannot open or write (held by another run, a full disk).</summary>
        protected void TerminateUnavailable(System.IO.IOException ex, string errorId, string message, object? target) =>
            ThrowTerminatingError(new ErrorRecord(new System.IO.IOException(message, ex), errorId, ErrorCategory.ResourceUnavailable, target));

        /// <summary>Reports one piped object whose values are not valid, and goes on with the next.</summary>
        protected void WriteInvalidArgument(ArgumentException ex, string errorId, object? target) => WriteError(InvalidArgument(ex, errorId, target));

        private static ErrorRecord InvalidArgument(ArgumentException ex, string errorId, object? target) =>
            new ErrorRecord(ex, errorId, ErrorCategory.InvalidArgument, target);

        protected static ErrorRecord ToErrorRecord(MigrationException ex) => ToErrorRecordFor(ex);

        /// <summary>The one mapping from MigrationException to ErrorRecord: its error id, its target, the category of its kind.</summary>
        internal static ErrorRecord ToErrorRecordFor(MigrationException ex) =>
            new ErrorRecord(ex, ex.ErrorId, Category(ex.Kind), ex.Target);

        private static ErrorCategory Category(MigrationErrorKind kind) => kind switch
        {
            MigrationErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            MigrationErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            MigrationErrorKind.Authentication => ErrorCategory.AuthenticationError,
            MigrationErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            MigrationErrorKind.Connection => ErrorCategory.ConnectionError,
            MigrationErrorKind.InvalidData => ErrorCategory.InvalidData,
            MigrationErrorKind.WriteError => ErrorCategory.WriteError,
            _ => ErrorCategory.ResourceUnavailable,
        };

        /// <summary>One progress line of activity <paramref name="id"/>; a percentage when the total is known.</summary>
        protected void Progress(int id, string activity, string status, int? percent = null)
        {
            var record = new ProgressRecord(id, activity, status);
            if (percent is int p) record.PercentComplete = Math.Clamp(p, 0, 100);
            WriteProgress(record);
        }

        /// <summary>Ends the progress bar of activity <paramref name="id"/>.</summary>
        protected void ProgressDone(int id, string activity) =>
            WriteProgress(new ProgressRecord(id, activity, "Done") { RecordType = ProgressRecordType.Completed });

        /// <summary>"12.3 MB" style sizes for progress and verbose lines.</summary>
        protected static string Bytes(double bytes)
        {
            string[] units = { "B", "KB", "MB", "GB", "TB" };
            var u = 0;
            while (bytes >= 1024 && u < units.Length - 1) { bytes /= 1024; u++; }
            return u == 0 ? $"{bytes:0} B" : $"{bytes:0.0} {units[u]}";
        }
    }
}
