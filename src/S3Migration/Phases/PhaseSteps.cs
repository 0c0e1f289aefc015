namespace S3Migration.Phases
{
    /// <summary>
    /// What a phase hands its cmdlet while it runs. A phase runs async, and PowerShell allows ShouldProcess,
    /// WriteProgress and WriteObject only on the pipeline thread; so a phase that needs them is an async sequence of
    /// steps (IAsyncEnumerable), the cmdlet takes each step on its own thread and answers it before it asks for the
    /// next one, and the phase reads the answer when it resumes. Callers without a pipeline thread (tests, a host)
    /// answer the steps directly.
    /// </summary>
    public abstract class PhaseStep { }

    /// <summary>Progress to show: what the phase is doing, how many of how many, and the bytes so far.</summary>
    public sealed class ProgressStep : PhaseStep
    {
        public ProgressStep(string activity, int done, int total, long bytes) { Activity = activity; Done = done; Total = total; Bytes = bytes; }
        public string Activity { get; }
        public int Done { get; }
        public int Total { get; }
        public long Bytes { get; }
    }

    /// <summary>A deletion to confirm (ShouldProcess): not confirmed unless the one who takes the step says so.</summary>
    public sealed class ConfirmStep<T> : PhaseStep
    {
        public ConfirmStep(T subject) => Subject = subject;
        public T Subject { get; }
        public bool Confirmed { get; set; }
    }

    /// <summary>A result to write now, while the phase goes on.</summary>
    public sealed class OutputStep<T> : PhaseStep
    {
        public OutputStep(T output) => Output = output;
        public T Output { get; }
    }
}
