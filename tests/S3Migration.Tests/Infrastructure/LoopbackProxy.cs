using System.Net;

namespace S3Migration.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP proxy between an S3 client and moto. It counts requests by kind (for the benchmark's
/// requests-per-object figure) and can inject faults: a share of requests answered 503 SlowDown, a share of
/// connections dropped without an answer, and a fixed delay per request. It forwards everything else untouched.
/// </summary>
public sealed class LoopbackProxy : LoopbackListener
{
    private readonly Random _random;
    private int _slowDowns, _drops;

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

    public override void ResetCounts()
    {
        base.ResetCounts();
        Interlocked.Exchange(ref _slowDowns, 0); Interlocked.Exchange(ref _drops, 0);
    }

    protected override async Task HandleAsync(HttpListenerContext ctx, string kind)
    {
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
        using var response = await SendUpstreamAsync(ctx.Request, body);
        await RelayAsync(ctx, response);
    }
}
