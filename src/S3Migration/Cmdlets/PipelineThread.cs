using System.Collections.Generic;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// The cmdlet edge of an async phase (Phases/PhaseSteps): its steps are taken here, one at a time, on the pipeline
    /// thread, the one place their tasks are waited for; so the cmdlet may call ShouldProcess, WriteProgress and
    /// WriteObject for each. When the steps end, fail or are abandoned (Ctrl+C, a terminating error), the phase's
    /// finally blocks run before this returns or throws.
    /// </summary>
    internal static class PipelineThread
    {
        public static IEnumerable<T> Take<T>(IAsyncEnumerable<T> steps)
        {
            var e = steps.GetAsyncEnumerator();
            try
            {
                while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult()) yield return e.Current;
            }
            finally { e.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        }
    }
}
