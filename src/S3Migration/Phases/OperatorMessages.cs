using System.Collections.Concurrent;
using System.Collections.Generic;

namespace S3Migration.Phases
{
    /// <summary>A line for the operator: verbose, or a warning.</summary>
    public sealed record OperatorMessage(bool IsWarning, string Text);

    /// <summary>
    /// What a phase has to say while it runs, kept until its cmdlet takes it: a cmdlet may write only from its pipeline
    /// thread, and a phase's work may finish on another.
    /// </summary>
    public sealed class OperatorMessages
    {
        private readonly ConcurrentQueue<OperatorMessage> _queue = new ConcurrentQueue<OperatorMessage>();

        public void Verbose(string text) => _queue.Enqueue(new OperatorMessage(false, text));
        public void Warning(string text) => _queue.Enqueue(new OperatorMessage(true, text));

        public IReadOnlyList<OperatorMessage> Take()
        {
            var list = new List<OperatorMessage>();
            while (_queue.TryDequeue(out var m)) list.Add(m);
            return list;
        }
    }
}
