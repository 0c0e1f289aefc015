using System.Threading;

namespace S3Migration.S3
{
    /// <summary>
    /// The retries one item's requests needed, for its result's Retries. Shared by the item's concurrent requests (the
    /// parts of a multipart copy), so it counts atomically.
    /// </summary>
    public sealed class RetryCount
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        internal void Add() => Interlocked.Increment(ref _count);
    }
}
