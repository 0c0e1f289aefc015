using System.Net;
using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// Test-OutputCsvUrl -Download at 15 % faults: dropped connections and a body reset in the middle are retried with the
/// copy's policy (S3/RetryPolicy), so no URL is reported as an Error that is not one.
/// </summary>
[Collection(S3Collection.Name)]
public class CsvUrlRetryTests
{
    private const int Files = 30;
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public CsvUrlRetryTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    /// <summary>A migrated bucket, its workspace and a people CSV whose URLs name the new public destinations (moto's endpoint in http URLs).</summary>
    private (string Csv, string Workspace) Migrated(TempDir dir, string stem)
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName(stem));
        Parallel.For(1, Files + 1, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => b.Put($"{i}_P{i}/a.mp3", new string((char)('a' + i % 26), 20_000) + i));
        var ws = dir.File("ws");
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,s3_audio_url\n" + string.Concat(Enumerable.Range(1, Files).Select(i => $"{i},P{i},{_moto.EndpointUrl}/{b.Name}/{i}_P{i}/a.mp3\n")));
        var run = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop | Out-Null
            Update-OutputCsv -Path $csv -WorkspacePath $ws | Out-Null
            """, ("bucket", b.Name), ("ws", ws), ("csv", csv));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        foreach (var row in CopyRun.Journal(ws))
            _s3.PutObjectAclAsync(new Amazon.S3.Model.PutObjectAclRequest { BucketName = b.Name, Key = row.TargetKey, ACL = S3CannedACL.PublicRead })
               .GetAwaiter().GetResult();
        return (csv, ws);
    }

    private static List<UrlCheckResult> Check(string csv, string ws, string endpoint, string flags, out PipelineRun run)
    {
        run = PowerShellHost.Run($"Test-OutputCsvUrl -Path $csv -WorkspacePath $ws -EndpointUrl $endpoint {flags} -Verbose",
            new Dictionary<string, object?> { ["csv"] = csv, ["ws"] = ws, ["endpoint"] = endpoint });
        Assert.Null(run.Terminating);
        return run.Objects<UrlCheckResult>().ToList();
    }

    private static void AssertAllMatch(List<UrlCheckResult> results, string how)
    {
        Assert.Equal(Files, results.Count);
        Assert.All(results, r => Assert.True(r.Status == UrlCheckStatus.Ok && r.Md5Match == true, $"{how}: {r}: {r.Notes}"));
    }

    [Fact]
    public void Download_through_dropped_connections_reports_no_false_errors_signed_or_unsigned()
    {
        using var dir = new TempDir();
        var (csv, ws) = Migrated(dir, "urldrop");
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, dropShare: 0.15, seed: 7);

        var signed = Check(csv, ws, proxy.EndpointUrl, "-Download", out var signedRun);
        AssertAllMatch(signed, "signed");
        Assert.Contains(signedRun.Verbose, v => v.EndsWith("retries after throttling, server errors or dropped connections."));

        // Unsigned: plain HTTP to the URL as written, here through the proxy.
        File.WriteAllText(csv, File.ReadAllText(csv).Replace(_moto.EndpointUrl, proxy.EndpointUrl));
        var dropsBefore = proxy.Drops;
        var unsigned = Check(csv, ws, proxy.EndpointUrl, "-Download -Unsigned", out _);
        AssertAllMatch(unsigned, "unsigned");
        Assert.True(proxy.Drops > dropsBefore, "the proxy dropped no connection of the unsigned run");
    }

    [Fact]
    public void Download_whose_body_is_reset_in_the_middle_is_retried_not_reported_as_an_error()
    {
        using var dir = new TempDir();
        var (csv, ws) = Migrated(dir, "urlcut");
        using var proxy = new BodyCuttingProxy(_moto.EndpointUrl, share: 0.15);
        var results = Check(csv, ws, proxy.EndpointUrl, "-Download", out _);
        Assert.True(proxy.Cuts > 0, "no body was cut");
        AssertAllMatch(results, "signed, bodies cut");
    }

    /// <summary>Answers a share of GETs with the headers and half the body, then resets the connection.</summary>
    private sealed class BodyCuttingProxy : LoopbackListener
    {
        private readonly double _share;
        private readonly Random _random = new(11);
        private int _cuts;
        public BodyCuttingProxy(string target, double share) : base(target) => _share = share;
        public int Cuts => Volatile.Read(ref _cuts);

        protected override async Task HandleAsync(HttpListenerContext ctx, string kind)
        {
            var body = await ReadBodyAsync(ctx.Request);
            using var response = await SendUpstreamAsync(ctx.Request, body);
            double roll;
            lock (_random) roll = _random.NextDouble();
            var content = await response.Content.ReadAsByteArrayAsync();
            if (ctx.Request.HttpMethod != "GET" || response.StatusCode != HttpStatusCode.OK || content.Length < 1000 || roll >= _share)
            {
                await RelayAsync(ctx, response, content);
                return;
            }
            Interlocked.Increment(ref _cuts);
            ctx.Response.StatusCode = 200;
            foreach (var h in response.Headers.Concat(response.Content.Headers))
            {
                if (h.Key is "Transfer-Encoding" or "Content-Length" or "Connection" or "Keep-Alive" or "Server" or "Date") continue;
                foreach (var v in h.Value) ctx.Response.AppendHeader(h.Key, v);
            }
            ctx.Response.ContentLength64 = content.Length;
            await ctx.Response.OutputStream.WriteAsync(content.AsMemory(0, content.Length / 2));
            await ctx.Response.OutputStream.FlushAsync();
            ctx.Response.Abort();
        }
    }
}
