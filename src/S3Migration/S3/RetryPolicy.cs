using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;

namespace S3Migration.S3
{
    /// <summary>
    /// Retries transient failures (503 SlowDown and other throttling, 500/502/504, request timeouts, dropped or
    /// reset connections) with exponential backoff and full jitter, up to MaxRetries. Everything else, such as
    /// AccessDenied, NoSuchKey or InvalidObjectState, fails at once. The copy client's own SDK retries are off, so
    /// every retry is counted here.
    /// </summary>
    public sealed class RetryPolicy
    {
        private readonly Random _random = new Random();
        private int _retries;

        public RetryPolicy(int maxRetries, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
        {
            MaxRetries = maxRetries;
            BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(200);
            MaxDelay = maxDelay ?? TimeSpan.FromSeconds(20);
        }

        public int MaxRetries { get; }
        public TimeSpan BaseDelay { get; }
        public TimeSpan MaxDelay { get; }
        /// <summary>Retries made so far, by every caller.</summary>
        public int Retries => Volatile.Read(ref _retries);

        /// <param name="counter">counts each retry, for the item's result</param>
        public async Task<T> RunAsync<T>(Func<Task<T>> call, RetryCount counter, CancellationToken ct)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return await call().ConfigureAwait(false);
                }
                catch (Exception ex) when (attempt < MaxRetries && IsTransient(ex, ct))
                {
                    Interlocked.Increment(ref _retries);
                    counter.Add();
                    var cap = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt));
                    double jitter;
                    lock (_random) jitter = _random.NextDouble();
                    await Task.Delay(TimeSpan.FromMilliseconds(cap * jitter), ct).ConfigureAwait(false);
                }
            }
        }

        public static bool IsTransient(Exception ex, CancellationToken ct)
        {
            if (ct.IsCancellationRequested) return false;
            if (ex is AmazonServiceException s)
            {
                var status = (int)s.StatusCode;
                if (status == 500 || status == 502 || status == 503 || status == 504 || status == 429) return true;
                switch (s.ErrorCode)
                {
                    case "SlowDown": case "RequestTimeout": case "InternalError": case "ServiceUnavailable":
                    case "Throttling": case "ThrottlingException": case "RequestLimitExceeded": case "OperationAborted":
                        return true;
                }
                // A body cut off mid-response surfaces as a service exception wrapping the I/O failure.
                return s.InnerException != null && IsTransient(s.InnerException, ct);
            }
            for (var e = ex; e != null; e = e.InnerException)
                if (e is HttpRequestException || e is IOException || e is SocketException || e is WebException || e is TimeoutException
                    || e is TaskCanceledException || e is System.Xml.XmlException)
                    return true;
            return ex is AmazonClientException;
        }
    }
}
