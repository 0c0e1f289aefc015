using System;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// The stepped wait of a cmdlet that feeds a phase: each step waits (at the cmdlet edge) until the phase has moved on or
    /// its patience has passed, and the cmdlet reports after each (writes finished results, errors and progress, on the
    /// pipeline thread), so output streams and progress moves while copies run.
    /// </summary>
    internal static class PipelineWait
    {
        /// <summary>Runs <paramref name="step"/> until it answers true, calling <paramref name="report"/> after each answer, the last one too.</summary>
        public static void Until(Func<bool> step, Action report)
        {
            while (!step()) report();
            report();
        }
    }
}
