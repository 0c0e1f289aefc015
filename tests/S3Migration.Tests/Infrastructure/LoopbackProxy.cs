using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace S3Migration.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP proxy between an S3 client and moto. It counts requests by kind (for the benchmark's
/// requests-per-object figure) and can inject faults: a share of requests answered 503 SlowDown, a share of
/// connections dropped without an answer, and a fixed delay per request. It forwards everything else untouched.
/// </summary>
public sealed class LoopbackProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream;
    private readonly string _target;
    private readonly Random _random;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _slowDowns, _drops, _requests;

    public LoopbackProxy(string targetEndpoint, double slowDownShare = 0, double dropShare = 0, int delayMs = 0, int seed = 1)
    {
        _target = targetEndpoint.TrimEnd('/');
        SlowDownShare = slowDownShare; DropShare = dropShare; DelayMs = delayMs;
        _random = new Random(seed);
        _upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseProxy = false });
        Port = MotoServer.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }
    public string EndpointUrl => $"http://127.0.0.1:{Port}";
    public double SlowDownShare { get; set; }
    public double DropShare { get; set; }
    public int DelayMs { get; set; }
    public int Requests => Volatile.Read(ref _requests);
    public int SlowDowns => Volatile.Read(ref _slowDowns);
    public int Drops => Volatile.Read(ref _drops);
    /// <summary>Requests by kind, such as "HEAD", "PUT copy", "PUT part-copy", "GET list".</summary>
    public ConcurrentDictionary<string, int> ByKind { get; } = new();
    /// <summary>Which requests to keep whole (method, URL, headers, body), to assert what the module sent; none by default.</summary>
    public Func<HttpListenerRequest, bool>? Capture { get; set; }
    public ConcurrentQueue<CapturedRequest> Captured { get; } = new();

    public void ResetCounts()
    {
        Interlocked.Exchange(ref _requests, 0); Interlocked.Exchange(ref _slowDowns, 0); Interlocked.Exchange(ref _drops, 0);
        ByKind.Clear();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening) { return; }
            catch (HttpListenerException) { continue; }
            _ = Task.Run(() => Handle(ctx));
        }
    }

    private async Task Handle(HttpListenerContext ctx)
    {
        var req = ctx.Request;
        Interlocked.Increment(ref _requests);
        ByKind.AddOrUpdate(Kind(req), 1, (_, n) => n + 1);
        try
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
                var body = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>proxy</RequestId></Error>");
                ctx.Response.StatusCode = 503;
                ctx.Response.ContentType = "application/xml";
                if (req.HttpMethod != "HEAD") // a body on a HEAD answer would corrupt the kept-alive connection
                {
                    ctx.Response.ContentLength64 = body.Length;
                    await ctx.Response.OutputStream.WriteAsync(body);
                }
                ctx.Response.Close();
                return;
            }
            await Forward(ctx);
        }
        catch (Exception)
        {
            try { ctx.Response.Abort(); } catch (Exception) { }
        }
    }

    private async Task Forward(HttpListenerContext ctx)
    {
        var req = ctx.Request;
        using var message = new HttpRequestMessage(new HttpMethod(req.HttpMethod), _target + req.RawUrl);
        byte[] body = Array.Empty<byte>();
        if (req.HasEntityBody)
        {
            using var ms = new MemoryStream();
            await req.InputStream.CopyToAsync(ms);
            body = ms.ToArray();
        }
        message.Content = new ByteArrayContent(body);
        if (Capture?.Invoke(req) == true)
            Captured.Enqueue(new CapturedRequest(req.HttpMethod, req.RawUrl ?? "",
                req.Headers.AllKeys.Where(k => k != null).ToDictionary(k => k!, k => req.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase), Encoding.UTF8.GetString(body)));
        foreach (string? name in req.Headers.AllKeys)
        {
            if (name == null || name is "Host" or "Connection" or "Content-Length" or "Transfer-Encoding" or "Expect" or "Keep-Alive") continue;
            var values = req.Headers.GetValues(name) ?? Array.Empty<string>();
            if (!message.Headers.TryAddWithoutValidation(name, values)) message.Content.Headers.TryAddWithoutValidation(name, values);
        }
        using var response = await _upstream.SendAsync(message, HttpCompletionOption.ResponseContentRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        ctx.Response.StatusCode = (int)response.StatusCode;
        foreach (var h in response.Headers.Concat(response.Content.Headers))
        {
            if (h.Key is "Transfer-Encoding" or "Content-Length" or "Connection" or "Keep-Alive" or "Server" or "Date") continue;
            foreach (var v in h.Value) ctx.Response.AppendHeader(h.Key, v);
        }
        if (req.HttpMethod == "HEAD")
        {
            // HEAD answers carry the object's length but no body.
            if (response.Content.Headers.ContentLength is long length) ctx.Response.ContentLength64 = length;
            ctx.Response.Close();
            return;
        }
        ctx.Response.ContentLength64 = bytes.Length;
        await ctx.Response.OutputStream.WriteAsync(bytes);
        ctx.Response.Close();
    }

    private static string Kind(HttpListenerRequest req)
    {
        var q = req.QueryString;
        var isCopy = req.Headers["x-amz-copy-source"] != null;
        return req.HttpMethod switch
        {
            "PUT" when isCopy && q["partNumber"] != null => "PUT part-copy",
            "PUT" when isCopy => "PUT copy",
            "PUT" when q["tagging"] != null => "PUT tagging",
            "PUT" => "PUT object",
            "GET" when q["list-type"] != null || (req.Url?.AbsolutePath.Trim('/').Contains('/') == false && q["tagging"] == null) => "GET list",
            "GET" when q["tagging"] != null => "GET tagging",
            "POST" when q["uploads"] != null => "POST initiate",
            "POST" when q["uploadId"] != null => "POST complete",
            _ => req.HttpMethod,
        };
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Stop(); _listener.Close(); } catch (Exception) { }
        _upstream.Dispose();
    }
}

/// <summary>A request as the proxy received it (LoopbackProxy.Capture).</summary>
public sealed record CapturedRequest(string Method, string Url, IReadOnlyDictionary<string, string> Headers, string Body);
