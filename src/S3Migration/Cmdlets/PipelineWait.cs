using System;
using System.Threading.Tasks;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// The cmdlet edge of a phase's waits: the pipeline thread blocks on the phase's async step, which hands back after
    /// its patience at the latest, and reports (writes finished results, errors and progress, on this thread) each time.
    /// </summary>
    internal static class PipelineWait
    {
        /// <summary>Runs <paramref name="step"/> until it answers true, calling <paramref name="report"/> after each answer, the last one too.</summary>
        public static void Until(Func<Task<bool>> step, Action report)
        {
            while (!step().GetAwaiter().GetResult()) report();
            report();
        }
    }
}
