using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Bench;

/// <summary>Runs a command under python's getrusage(RUSAGE_CHILDREN): wall, user+system CPU and peak RSS of the command alone, startup included.</summary>
static class Rusage
{
    private const string Harness = "import resource,subprocess,sys,time,json\nt=time.time()\np=subprocess.run(sys.argv[1:])\nw=time.time()-t\nr=resource.getrusage(resource.RUSAGE_CHILDREN)\nsys.stderr.write('RUSAGE '+json.dumps({'rc':p.returncode,'wall':w,'cpu':r.ru_utime+r.ru_stime,'maxrss_kb':r.ru_maxrss})+'\\n')\n";

    public static (double Wall, double Cpu, double MaxRssMb, string Stdout, int ExitCode, string Stderr) Run(string file, string[] args, Dictionary<string, string?>? env, bool throwOnFailure = true)
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
        var j = JsonDocument.Parse(line[7..]).RootElement;
        var rc = j.GetProperty("rc").GetInt32();
        if (rc != 0) Console.Error.WriteLine(stderr.Result.Length > 4000 ? stderr.Result[..4000] : stderr.Result);
        if (rc != 0 && throwOnFailure) throw new InvalidOperationException($"{file} exited {rc}");
        return (j.GetProperty("wall").GetDouble(), j.GetProperty("cpu").GetDouble(), j.GetProperty("maxrss_kb").GetDouble() / 1024, stdout.Result, rc, stderr.Result);
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

/// <summary>What one bare SDK request costs this process, to tell the SDK's share of the client CPU from the module's.</summary>
static class Calibration
{
    public static string Run(IAmazonS3 s3, string? bucket)
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
        return string.Create(CultureInfo.InvariantCulture, $"\nCalibration: one HEAD request through AWSSDK.S3 4.x from the benchmark process (no proxy) costs {ms:0.00} ms of client CPU ({n} sequential requests, {clock.Elapsed.TotalSeconds / n * 1000:0.0} ms wall each).\n");
    }
}

/// <summary>The 1-minute load average (/proc/loadavg), beside each run: on a shared machine it says how far to trust the wall time.</summary>
static class LoadAverage
{
    public static double OneMinute()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
        catch (IOException) { return double.NaN; }
    }
}

/// <summary>
/// The floor of any client built on AWSSDK.S3: a bare .NET program (no PowerShell, no module) that lists the source and,
/// 16 at a time, HEADs each object and copies it server-side: the requests rclone sends. Whatever CPU this costs, a module
/// on the same SDK cannot spend less, so the row tells the SDK's share of S3Migration's CPU from the module's and the host's.
/// </summary>
static class SdkFloorChild
{
    public static int Run(string[] a)
    {
        var (endpoint, bucket, dst, throttle) = (a[1], a[2], a[3], int.Parse(a[4], CultureInfo.InvariantCulture));
        var config = new AmazonS3Config
        {
            ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        };
        using var s3 = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey), config);
        var failed = 0;
        async IAsyncEnumerable<string> Keys()
        {
            var req = new ListObjectsV2Request { BucketName = bucket };
            do
            {
                var page = await s3.ListObjectsV2Async(req);
                foreach (var o in page.S3Objects ?? new()) yield return o.Key;
                req.ContinuationToken = page.NextContinuationToken;
            } while (req.ContinuationToken != null);
        }
        Parallel.ForEachAsync(Keys(), new ParallelOptions { MaxDegreeOfParallelism = throttle }, async (key, ct) =>
        {
            var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, ct);
            var copy = await s3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = bucket, SourceKey = key, DestinationBucket = dst, DestinationKey = key, ETagToMatch = head.ETag,
                MetadataDirective = S3MetadataDirective.COPY,
            }, ct);
            if (copy.ETag != head.ETag && !head.ETag.Contains('-')) Interlocked.Increment(ref failed);
        }).GetAwaiter().GetResult();
        return failed == 0 ? 0 : 1;
    }
}

/// <summary>The fixed start of S3Migration: a process that hosts PowerShell, imports the module and ends.</summary>
static class StartChild
{
    public static int Run()
    {
        using var ps = Engine.WithModule();
        return ps.HadErrors ? 1 : 0;
    }
}
