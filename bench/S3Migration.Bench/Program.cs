using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

// Usage: dotnet run -c Release --project bench/S3Migration.Bench -- [--objects 2000] [--size 1024] [--multipart 3]
//        [--throttle 16] [--tools s3migration,rclone,aws] [--out docs/bench-results.md]
// Each tool copies the same generated data server-side on one moto server, through a loopback proxy that
// counts requests by kind. Each tool runs as a child process under getrusage, so CPU and peak memory are its own.
// moto serves about 300 requests/s on one core: requests and CPU per object carry over to real S3, wall time does not.

//        dotnet run -c Release --project bench/S3Migration.Bench -- csv [--rows 100000] [--out docs/csv-results.md]
// The csv mode times Update-OutputCsv on a generated people CSV and journal (CsvBench.cs).

if (args.Length > 0 && args[0] == "copy-child") return CopyChild.Run(args);
if (args.Length > 0 && args[0] == "csv-child") return CsvBench.Child(args);
if (args.Length > 0 && args[0] == "csv") return CsvBench.Main(args);

var opt = Options.Parse(args);
Console.WriteLine($"S3Migration copy benchmark: {opt.Objects} objects of {opt.Size} B + {opt.Multipart} multipart of {Options.MultipartBytes / 1048576.0:0.#} MiB, concurrency {opt.Throttle}");
using var moto = new MotoServer();
using var proxy = new LoopbackProxy(moto.EndpointUrl);
var s3 = moto.CreateClient();
var rows = new List<Result>();
foreach (var tool in opt.Tools)
{
    var source = Seed(s3, $"bench-{tool}-{Guid.NewGuid():N}"[..40], opt);
    proxy.ResetCounts();
    var result = tool switch
    {
        "s3migration" => RunOurs(proxy.EndpointUrl, source, opt),
        "rclone" => RunRclone(s3, proxy.EndpointUrl, source, opt),
        "aws" => RunAws(s3, proxy.EndpointUrl, source, opt),
        _ => throw new ArgumentException($"unknown tool {tool}"),
    };
    result.Requests = proxy.Requests;
    result.ByKind = proxy.ByKind.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value}").ToList();
    result.Verified = Verify(s3, source, result);
    rows.Add(result);
    Console.WriteLine($"  {tool}: {result.Wall:0.0} s wall, {result.Requests} requests ({result.Requests / (double)result.Objects:0.00}/object), "
                      + $"{result.CpuSeconds:0.00} s CPU, {result.PeakRssMb:0} MB peak; verified {result.Verified}");
}
var calibration = Calibrate(s3, rows.Count > 0 ? rows[0].DestinationBucket : null);
var md = Report.Markdown(rows, opt) + calibration;
Console.WriteLine();
Console.WriteLine(md);
if (opt.Out != null) File.WriteAllText(opt.Out, md);
return 0;

static (string Bucket, List<(string Key, string TargetKey, string Md5)> Objects) Seed(IAmazonS3 s3, string bucket, Options opt)
{
    var b = new TestBucket(s3, bucket);
    var objects = new System.Collections.Concurrent.ConcurrentBag<(string, string, string)>();
    string[] ext = { "mp3", "mp4", "pdf", "srt", "jpg" };
    string[] type = { "audio", "video", "documents", "transcripts", "images" };
    Parallel.For(0, opt.Objects, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
    {
        var person = i % 200 + 1;
        var key = $"{person}_Person{person}/file{i:00000}.{ext[i % 5]}";
        var md5 = b.Put(key, TestBucket.RandomBytes(opt.Size, i));
        objects.Add((key, $"{type[i % 5]}/{person}_Person{person}_file{i:00000}.{ext[i % 5]}", md5));
    });
    for (var m = 0; m < opt.Multipart; m++)
    {
        var key = $"{m + 1}_Person{m + 1}/lecture{m}.mp4";
        objects.Add((key, $"video/{m + 1}_Person{m + 1}_lecture{m}.mp4", b.PutMultipart(key, TestBucket.RandomBytes(Options.MultipartBytes, 1000 + m))));
    }
    return (bucket, objects.ToList());
}

static Result RunOurs(string endpoint, (string Bucket, List<(string Key, string TargetKey, string Md5)> Objects) src, Options opt)
{
    var ws = Path.Combine(Path.GetTempPath(), "s3mig-bench-" + Guid.NewGuid().ToString("N")[..8]);
    var self = typeof(Options).Assembly.Location;
    var r = Rusage.Run("dotnet", new[] { self, "copy-child", endpoint, src.Bucket, ws, opt.Throttle.ToString(CultureInfo.InvariantCulture) }, null);
    var child = JsonDocument.Parse(r.Stdout.Split('\n').Last(l => l.StartsWith("{"))).RootElement;
    var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws, "migration_summary.json"))).RootElement;
    return new Result
    {
        Tool = "S3Migration (inventory | Copy-PersonFiles)", Objects = src.Objects.Count, Wall = r.Wall, CpuSeconds = r.Cpu, PeakRssMb = r.MaxRssMb,
        PipelineCpuSeconds = child.GetProperty("pipeline_cpu").GetDouble(), PipelineWall = child.GetProperty("pipeline_wall").GetDouble(),
        CopyRequests = summary.GetProperty("requests").GetInt64(), DestinationBucket = src.Bucket, ByTarget = true,
        Note = $"verified {summary.GetProperty("files_verified").GetInt32()}, failed {summary.GetProperty("files_failed").GetInt32()}; every copy checked (HEAD source, copy, HEAD destination), metadata and tags kept, journal written",
    };
}

static Result RunRclone(IAmazonS3 s3, string endpoint, (string Bucket, List<(string, string, string)> Objects) src, Options opt)
{
    var dst = src.Bucket.Replace("bench-rclone", "dst-rclone");
    s3.PutBucketAsync(dst).GetAwaiter().GetResult();
    var env = new Dictionary<string, string?>
    {
        ["RCLONE_CONFIG_M_TYPE"] = "s3", ["RCLONE_CONFIG_M_PROVIDER"] = "Other", ["RCLONE_CONFIG_M_ENDPOINT"] = endpoint,
        ["RCLONE_CONFIG_M_ACCESS_KEY_ID"] = MotoServer.AccessKey, ["RCLONE_CONFIG_M_SECRET_ACCESS_KEY"] = MotoServer.SecretKey,
        ["RCLONE_CONFIG_M_FORCE_PATH_STYLE"] = "true", ["RCLONE_CONFIG_M_REGION"] = "us-east-1",
        ["AWS_CA_BUNDLE"] = null, // rclone refuses this machine's bundle for its transport
    };
    var r = Rusage.Run("rclone", new[] { "copy", $"m:{src.Bucket}", $"m:{dst}", "--transfers", opt.Throttle.ToString(), "--checkers", opt.Throttle.ToString() }, env);
    return new Result { Tool = "rclone copy (1.60)", Objects = src.Objects.Count, Wall = r.Wall, CpuSeconds = r.Cpu, PeakRssMb = r.MaxRssMb, DestinationBucket = dst,
        Note = "same keys in another bucket; size and MD5 compared where the ETag is one; metadata kept" };
}

static Result RunAws(IAmazonS3 s3, string endpoint, (string Bucket, List<(string, string, string)> Objects) src, Options opt)
{
    var dst = src.Bucket.Replace("bench-aws", "dst-aws");
    s3.PutBucketAsync(dst).GetAwaiter().GetResult();
    var config = Path.GetTempFileName();
    File.WriteAllText(config, $"[default]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = {opt.Throttle}\n");
    var r = Rusage.Run("aws", new[] { "--endpoint-url", endpoint, "s3", "cp", "--recursive", "--only-show-errors", $"s3://{src.Bucket}", $"s3://{dst}" },
        new Dictionary<string, string?> { ["AWS_CONFIG_FILE"] = config, ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretKey });
    return new Result { Tool = "aws s3 cp --recursive (aws-cli 1)", Objects = src.Objects.Count, Wall = r.Wall, CpuSeconds = r.Cpu, PeakRssMb = r.MaxRssMb, DestinationBucket = dst,
        Note = "same keys in another bucket; no verification after the copy" };
}

// What one bare SDK request costs this process, to tell the SDK's share of the client CPU from the module's.
static string Calibrate(IAmazonS3 s3, string? bucket)
{
    if (bucket == null) return "";
    var key = s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }).GetAwaiter().GetResult().S3Objects![0].Key;
    const int n = 1000;
    for (var i = 0; i < 50; i++) s3.GetObjectMetadataAsync(bucket, key).GetAwaiter().GetResult(); // warm up
    var me = Process.GetCurrentProcess();
    var cpu0 = me.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < n; i++) s3.GetObjectMetadataAsync(bucket, key).GetAwaiter().GetResult();
    me.Refresh();
    var ms = (me.TotalProcessorTime - cpu0).TotalMilliseconds / n;
    return string.Create(CultureInfo.InvariantCulture, $"\nCalibration: one HEAD request through AWSSDK.S3 4.x from this benchmark process costs {ms:0.00} ms of client CPU ({n} sequential requests, {clock.Elapsed.TotalSeconds / n * 1000:0.0} ms wall each).\n");
}

static string Verify(IAmazonS3 s3, (string Bucket, List<(string Key, string TargetKey, string Md5)> Objects) src, Result r)
{
    var etags = new Dictionary<string, string>();
    var req = new ListObjectsV2Request { BucketName = r.DestinationBucket };
    do
    {
        var page = s3.ListObjectsV2Async(req).GetAwaiter().GetResult();
        foreach (var o in page.S3Objects ?? new()) etags[o.Key] = o.ETag.Trim('"');
        req.ContinuationToken = page.NextContinuationToken;
    } while (req.ContinuationToken != null);
    var ok = 0;
    foreach (var (key, target, md5) in src.Objects)
        if (etags.TryGetValue(r.ByTarget ? target : key, out var e) && (e == md5 || e.Contains('-'))) ok++;
    return $"{ok}/{src.Objects.Count}";
}

sealed class Options
{
    public const int MultipartBytes = 6 * 1024 * 1024;
    public int Objects = 2000, Size = 1024, Multipart = 3, Throttle = 16;
    public string[] Tools = { "s3migration", "rclone", "aws" };
    public string? Out;
    public static Options Parse(string[] a)
    {
        var o = new Options();
        for (var i = 0; i + 1 < a.Length; i += 2)
            switch (a[i])
            {
                case "--objects": o.Objects = int.Parse(a[i + 1]); break;
                case "--size": o.Size = int.Parse(a[i + 1]); break;
                case "--multipart": o.Multipart = int.Parse(a[i + 1]); break;
                case "--throttle": o.Throttle = int.Parse(a[i + 1]); break;
                case "--tools": o.Tools = a[i + 1].Split(','); break;
                case "--out": o.Out = a[i + 1]; break;
                default: throw new ArgumentException("unknown option " + a[i]);
            }
        return o;
    }
}

sealed class Result
{
    public string Tool = "", Note = "", Verified = "", DestinationBucket = "";
    public int Objects;
    public bool ByTarget;
    public double Wall, CpuSeconds, PeakRssMb, PipelineCpuSeconds = double.NaN, PipelineWall = double.NaN;
    public long Requests, CopyRequests = -1;
    public List<string> ByKind = new();
}

/// <summary>Runs a command under python's getrusage(RUSAGE_CHILDREN): wall, user+system CPU and peak RSS of the command alone.</summary>
static class Rusage
{
    private const string Harness = "import resource,subprocess,sys,time,json\nt=time.time()\np=subprocess.run(sys.argv[1:])\nw=time.time()-t\nr=resource.getrusage(resource.RUSAGE_CHILDREN)\nsys.stderr.write('RUSAGE '+json.dumps({'rc':p.returncode,'wall':w,'cpu':r.ru_utime+r.ru_stime,'maxrss_kb':r.ru_maxrss})+'\\n')\n";

    public static (double Wall, double Cpu, double MaxRssMb, string Stdout) Run(string file, string[] args, Dictionary<string, string?>? env)
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c"); psi.ArgumentList.Add(Harness); psi.ArgumentList.Add(file);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKey;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretKey;
        psi.Environment["AWS_REGION"] = "us-east-1";
        foreach (var (k, v) in env ?? new()) if (v == null) psi.Environment.Remove(k); else psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var line = stderr.Result.Split('\n').LastOrDefault(l => l.StartsWith("RUSAGE ")) ?? throw new InvalidOperationException($"{file} failed: {stderr.Result}");
        if (!line.Contains("\"rc\": 0")) Console.Error.WriteLine(stderr.Result.Length > 4000 ? stderr.Result[..4000] : stderr.Result);
        var j = JsonDocument.Parse(line[7..]).RootElement;
        if (j.GetProperty("rc").GetInt32() != 0) throw new InvalidOperationException($"{file} exited {j.GetProperty("rc")}: {stderr.Result}");
        return (j.GetProperty("wall").GetDouble(), j.GetProperty("cpu").GetDouble(), j.GetProperty("maxrss_kb").GetDouble() / 1024, stdout.Result);
    }
}

/// <summary>The child that runs our pipeline in the PowerShell engine and reports the pipeline's own CPU and wall time.</summary>
static class CopyChild
{
    public static int Run(string[] a)
    {
        var (endpoint, bucket, ws, throttle) = (a[1], a[2], a[3], a[4]);
        using var ps = Engine.WithModule();
        var me = Process.GetCurrentProcess();
        var cpu0 = me.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        ps.AddScript($"Get-MigrationInventory -Bucket '{bucket}' -EndpointUrl '{endpoint}' | Copy-PersonFiles -WorkspacePath '{ws}' -EndpointUrl '{endpoint}' -ThrottleLimit {throttle} | Where-Object {{ $_.Status -in 'Failed', 'Conflict' -or ($_.Status -eq 'NotPlanned' -and $_.Notes -notlike '*destination layout*') }}");
        var notVerified = ps.Invoke();
        clock.Stop();
        me.Refresh();
        foreach (var e in ps.Streams.Error) Console.Error.WriteLine(e);
        foreach (var r in notVerified) Console.Error.WriteLine($"not verified: {r.Properties["Status"].Value} {r.Properties["SourceKey"].Value}: {r.Properties["Notes"].Value}");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            pipeline_cpu = (me.TotalProcessorTime - cpu0).TotalSeconds, pipeline_wall = clock.Elapsed.TotalSeconds, not_verified = notVerified.Count,
        }));
        return notVerified.Count == 0 && !ps.HadErrors ? 0 : 1;
    }
}

/// <summary>A PowerShell engine with the module imported through S3Migration.psd1, for the benchmark's children.</summary>
static class Engine
{
    public static PowerShell WithModule()
    {
        var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Import-Module").AddParameter("Name", RepoPaths.Manifest);
        ps.Invoke();
        ps.Commands.Clear();
        return ps;
    }
}

static class Report
{
    public static string Markdown(List<Result> rows, Options opt)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Data: {opt.Objects} objects of {opt.Size} B and {opt.Multipart} multipart objects of {Options.MultipartBytes / 1048576} MiB (2 parts each); concurrency {opt.Throttle}; one moto server on loopback.");
        sb.AppendLine();
        sb.AppendLine("| tool | objects | wall s | objects/s | requests | requests/object | CPU s | CPU s per 1,000 objects | peak RSS MB | destination matches source |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in rows)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Tool} | {r.Objects} | {r.Wall:0.0} | {r.Objects / r.Wall:0} | {r.Requests} | {r.Requests / (double)r.Objects:0.00} | {r.CpuSeconds:0.00} | {r.CpuSeconds * 1000 / r.Objects:0.00} | {r.PeakRssMb:0} | {r.Verified} |"));
        sb.AppendLine();
        foreach (var r in rows)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- **{r.Tool}**: requests by kind: {string.Join(", ", r.ByKind)}. {r.Note}."));
            if (!double.IsNaN(r.PipelineCpuSeconds))
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  The pipeline alone (after .NET and the PowerShell engine started): {r.PipelineWall:0.0} s wall, {r.PipelineCpuSeconds:0.00} s CPU, {r.PipelineCpuSeconds * 1000 / r.Objects:0.00} s CPU per 1,000 objects; the copy phase sent {r.CopyRequests} requests ({r.CopyRequests / (double)r.Objects:0.00}/object)."));
        }
        var ours = rows.FirstOrDefault(r => r.Tool.StartsWith("S3Migration"));
        if (ours != null)
        {
            sb.AppendLine();
            foreach (var r in rows.Where(r => r != ours))
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- Against {r.Tool}: requests/object ×{ours.Requests / (double)r.Requests:0.00}, CPU ×{ours.CpuSeconds / r.CpuSeconds:0.00}, wall ×{ours.Wall / r.Wall:0.00}, peak memory ×{ours.PeakRssMb / r.PeakRssMb:0.00}."));
        }
        return sb.ToString();
    }
}
