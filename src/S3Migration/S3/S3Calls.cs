using System;
using System.Threading;
using System.Threading.Tasks;

namespace S3Migration.S3
{
    /// <summary>Every S3 request of a copy run goes through here: retried by the policy and counted.</summary>
    public sealed class S3Calls
    {
        private readonly RetryPolicy _retry;
        private long _requests;
        public S3Calls(RetryPolicy retry) => _retry = retry;

        /// <summary>Requests sent, retries included.</summary>
        public long Requests => Interlocked.Read(ref _requests);
        public int Retries => _retry.Retries;

        public Task<T> Run<T>(Func<Task<T>> call, RetryCount retries, CancellationToken ct) =>
            _retry.RunAsync(() => { Interlocked.Increment(ref _requests); return call(); }, retries, ct);
    }
}
