using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace S3Migration.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP proxy between an S3 client and moto. It counts requests by kind (for the benchmark's
/// requests-per-object figure) and can inject faults: a share of requests answered 503 SlowDown, a share of
/// connections dropped without an answer, and a fixed delay per request. It forwards everything else untouched.
/// Hooks let a test act at an exact moment of a request (a crash test kills the client there): as it arrives, after
/// the server answered but before the client has the answer, and after the answer was sent. A hook's task holds the
/// request until it completes.
/// </summary>
public sealed class LoopbackProxy : LoopbackListener
{
    private readonly Random _random;
    private int _slowDowns, _drops, _arrived;

    public LoopbackProxy(string targetEndpoint, double slowDownShare = 0, double dropShare = 0, int delayMs = 0, int seed = 1) : base(targetEndpoint)
    {
        SlowDownShare = slowDownShare; DropShare = dropShare; DelayMs = delayMs;
        _random = new Random(seed);
    }

    public double SlowDownShare { get; set; }
    public double DropShare { get; set; }
    public int DelayMs { get; set; }
    public int SlowDowns => Volatile.Read(ref _slowDowns);
    public int Drops => Volatile.Read(ref _drops);
    /// <summary>Which requests to keep whole (method, URL, headers, body), to assert what the module sent; none by default.</summary>
    public Func<HttpListenerRequest, bool>? Capture { get; set; }
    public ConcurrentQueue<CapturedRequest> Captured { get; } = new();

    /// <summary>Called as a request arrives, before it is forwarded: its kind and its number (from 1, in arrival order).</summary>
    public Func<string, int, Task>? OnRequest { get; set; }
    /// <summary>Called when the server has answered a request (and done what it asked), before the client gets the answer.</summary>
    public Func<string, Task>? BeforeAnswer { get; set; }
    /// <summary>Called once the answer of a request was sent to the client.</summary>
    public Action<string>? AfterAnswer { get; set; }

    public override void ResetCounts()
    {
        base.ResetCounts();
        Interlocked.Exchange(ref _slowDowns, 0); Interlocked.Exchange(ref _drops, 0);
    }

    protected override async Task HandleAsync(HttpListenerContext ctx, string kind)
    {
        var number = Interlocked.Increment(ref _arrived);
        if (OnRequest is { } onRequest) await onRequest(kind, number);
        if (DelayMs > 0) await Task.Delay(DelayMs);
        double roll;
        lock (_random) roll = _random.NextDouble();
        if (roll < DropShare)
        {
            Interlocked.Increment(ref _drops);
            ctx.Response.Abort();
            return;
        }
        if (roll < DropShare + SlowDownShare)
        {
            Interlocked.Increment(ref _slowDowns);
            await AnswerErrorAsync(ctx, 503, "SlowDown", "Please reduce your request rate.");
            return;
        }
        var body = await ReadBodyAsync(ctx.Request);
        var req = ctx.Request;
        if (Capture?.Invoke(req) == true)
            Captured.Enqueue(new CapturedRequest(req.HttpMethod, req.RawUrl ?? "",
                req.Headers.AllKeys.Where(k => k != null).ToDictionary(k => k!, k => req.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase), Encoding.UTF8.GetString(body)));
        using var response = await SendUpstreamAsync(ctx.Request, body);
        if (BeforeAnswer is { } beforeAnswer) await beforeAnswer(kind);
        await RelayAsync(ctx, response);
        AfterAnswer?.Invoke(kind);
    }
}

/// <summary>A request as the proxy received it (LoopbackProxy.Capture).</summary>
public sealed record CapturedRequest(string Method, string Url, IReadOnlyDictionary<string, string> Headers, string Body);
