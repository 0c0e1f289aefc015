using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace S3Migration.Tests.Infrastructure;

/// <summary>
/// The shared half of the loopback proxies in front of moto: an HttpListener on a free 127.0.0.1 port, one task per
/// request, counts by kind (<see cref="S3RequestKind"/>), and the relay to the server behind: forward a request
/// as it came, answer with what the server said or with an S3 error document.
/// </summary>
public abstract class LoopbackListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _upstream;
    private readonly Task _loop;
    private int _requests;

    protected LoopbackListener(string targetEndpoint)
    {
        Target = targetEndpoint.TrimEnd('/');
        _upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseProxy = false });
        Port = MotoServer.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    /// <summary>The server behind, such as moto's http://127.0.0.1:port.</summary>
    protected string Target { get; }
    public int Port { get; }
    public string EndpointUrl => $"http://127.0.0.1:{Port}";
    public int Requests => Volatile.Read(ref _requests);
    /// <summary>Requests by kind, such as "HEAD", "PUT copy", "PUT part-copy", "GET list", "POST delete".</summary>
    public ConcurrentDictionary<string, int> ByKind { get; } = new();

    public virtual void ResetCounts()
    {
        Interlocked.Exchange(ref _requests, 0);
        ByKind.Clear();
    }

    /// <summary>Answers one request (already counted); an exception drops the connection.</summary>
    protected abstract Task HandleAsync(HttpListenerContext ctx, string kind);

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
        var kind = S3RequestKind.Of(ctx.Request);
        Interlocked.Increment(ref _requests);
        ByKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
        try { await HandleAsync(ctx, kind); }
        catch (Exception)
        {
            try { ctx.Response.Abort(); } catch (Exception) { }
        }
    }

    protected static async Task<byte[]> ReadBodyAsync(HttpListenerRequest req)
    {
        if (!req.HasEntityBody) return Array.Empty<byte>();
        using var ms = new MemoryStream();
        await req.InputStream.CopyToAsync(ms);
        return ms.ToArray();
    }

    /// <summary>Sends the request to the server behind with its own headers (but hop-by-hop ones), except those <paramref name="skip"/> names.</summary>
    protected async Task<HttpResponseMessage> SendUpstreamAsync(HttpListenerRequest req, byte[] body,
        IEnumerable<KeyValuePair<string, string>>? extraHeaders = null, Func<string, bool>? skip = null)
    {
        using var message = new HttpRequestMessage(new HttpMethod(req.HttpMethod), Target + req.RawUrl) { Content = new ByteArrayContent(body) };
        foreach (string? name in req.Headers.AllKeys)
        {
            if (name == null || name is "Host" or "Connection" or "Content-Length" or "Transfer-Encoding" or "Expect" or "Keep-Alive") continue;
            if (skip != null && skip(name)) continue;
            var values = req.Headers.GetValues(name) ?? Array.Empty<string>();
            if (!message.Headers.TryAddWithoutValidation(name, values)) message.Content.Headers.TryAddWithoutValidation(name, values);
        }
        foreach (var (name, value) in extraHeaders ?? Enumerable.Empty<KeyValuePair<string, string>>())
            if (!message.Headers.TryAddWithoutValidation(name, value)) message.Content.Headers.TryAddWithoutValidation(name, value);
        return await _upstream.SendAsync(message, HttpCompletionOption.ResponseContentRead);
    }

    /// <summary>
    /// A request of our own to the server behind (a HEAD to check a condition). moto checks no signature, but it needs
    /// an Authorization header to know the account (without one the request is anonymous and refused), so it gets
    /// one that names the test credentials' access key and signs nothing.
    /// </summary>
    protected async Task<HttpResponseMessage> SendOwnAsync(HttpMethod method, string pathAndQuery)
    {
        using var message = new HttpRequestMessage(method, Target + "/" + pathAndQuery.TrimStart('/'));
        message.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={MotoServer.AccessKey}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0");
        return await _upstream.SendAsync(message, HttpCompletionOption.ResponseContentRead);
    }

    /// <summary>Answers with the server's status and headers, and the given body (the server's own unless replaced).</summary>
    protected static async Task RelayAsync(HttpListenerContext ctx, HttpResponseMessage response, byte[]? body = null)
    {
        body ??= await response.Content.ReadAsByteArrayAsync();
        ctx.Response.StatusCode = (int)response.StatusCode;
        foreach (var h in response.Headers.Concat(response.Content.Headers))
        {
            if (h.Key is "Transfer-Encoding" or "Content-Length" or "Connection" or "Keep-Alive" or "Server" or "Date") continue;
            foreach (var v in h.Value) ctx.Response.AppendHeader(h.Key, v);
        }
        if (ctx.Request.HttpMethod == "HEAD")
        {
            // HEAD answers carry the object's length but no body.
            if (response.Content.Headers.ContentLength is long length) ctx.Response.ContentLength64 = length;
            ctx.Response.Close();
            return;
        }
        ctx.Response.ContentLength64 = body.Length;
        await ctx.Response.OutputStream.WriteAsync(body);
        ctx.Response.Close();
    }

    /// <summary>An S3 error document, as S3 sends one (no body on a HEAD: it would corrupt the kept-alive connection).</summary>
    protected static async Task AnswerErrorAsync(HttpListenerContext ctx, int status, string code, string message, params (string Name, string Value)[] extra)
    {
        var body = Encoding.UTF8.GetBytes(ErrorXml(code, message, extra));
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/xml";
        if (ctx.Request.HttpMethod != "HEAD")
        {
            ctx.Response.ContentLength64 = body.Length;
            await ctx.Response.OutputStream.WriteAsync(body);
        }
        ctx.Response.Close();
    }

    protected static string ErrorXml(string code, string message, params (string Name, string Value)[] extra) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + SecurityElementEscape(code) + "</Code><Message>" + SecurityElementEscape(message) + "</Message>"
        + string.Concat(extra.Select(e => $"<{e.Name}>{SecurityElementEscape(e.Value)}</{e.Name}>"))
        + "<RequestId>proxy</RequestId><HostId>proxy</HostId></Error>";

    private static string SecurityElementEscape(string s) => System.Security.SecurityElement.Escape(s) ?? "";

    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Stop(); _listener.Close(); } catch (Exception) { }
        _upstream.Dispose();
        GC.SuppressFinalize(this);
    }
}
