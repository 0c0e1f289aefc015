using System.Globalization;
using S3Migration.Bench;
using S3Migration.Tests.Infrastructure;

// Usage: dotnet run -c Release --project bench/S3Migration.Bench -- [--objects 500,2000,8000] [--size 1024] [--multipart 3]
//        [--throttle 16] [--tools s3migration,rclone,aws] [--out /tmp/bench.md] [--update-doc docs/BENCHMARKS.md]
// One moto server for the whole run. For each N and each tool: a fresh bucket seeded with the same data, the tool as a
// child process under getrusage (CPU and peak memory its own, startup included), its requests counted by kind at a
// loopback proxy, and every destination object checked against its source's MD5 afterwards.
// moto serves a few hundred requests/s on one core: requests and CPU per object carry over to real S3, wall time does not.

//        dotnet run -c Release --project bench/S3Migration.Bench -- csv [--rows 100000,1000000] [--heap-limit-mb 4096]
//        [--out /tmp/csv.md] [--update-doc docs/BENCHMARKS.md]
// The csv mode times Update-OutputCsv on a generated people CSV and journal (CsvBench.cs); it needs no S3 server.
//        dotnet run -c Release --project bench/S3Migration.Bench -- flat [--keys 1000000] [--out /tmp/flat.md]
// The flat mode measures the memory per key of what the inventory and the copy hold per key (FlatBench.cs); no S3 server.

if (args.Length > 0 && args[0] == "copy-child") return CopyChild.Run(args);
if (args.Length > 0 && args[0] == "sdk-child") return SdkFloorChild.Run(args);
if (args.Length > 0 && args[0] == "start-child") return StartChild.Run();
if (args.Length > 0 && args[0] == "csv-child") return CsvBench.Child(args);
if (args.Length > 0 && args[0] == "csv") return CsvBench.Main(args);
if (args.Length > 0 && args[0] == "flat") return FlatBench.Main(args);

var opt = Options.Parse(args);
Console.WriteLine($"S3Migration copy benchmark: N = {string.Join(", ", opt.Objects)} objects of {opt.Size} B + {opt.Multipart} multipart of {Options.MultipartBytes / 1048576.0:0.#} MiB, concurrency {opt.Throttle}, tools {string.Join(", ", opt.Tools)}");
var versions = Tools.Prepare(opt.Tools);
using var moto = new MotoServer();
using var proxy = new LoopbackProxy(moto.EndpointUrl);
var s3 = moto.CreateClient();
var rows = new List<Result>();
foreach (var n in opt.Objects)
{
    foreach (var tool in opt.Tools)
    {
        var source = Seeding.Seed(s3, $"bench-{tool}-{n}-{Guid.NewGuid():N}"[..40], n, opt);
        proxy.ResetCounts();
        var result = tool switch
        {
            "s3migration" => Tools.RunOurs(proxy.EndpointUrl, source, opt),
            "rclone" => Tools.RunRclone(s3, proxy.EndpointUrl, source, opt, versions),
            "aws" => Tools.RunAws(s3, proxy.EndpointUrl, source, opt, versions),
            "sdk" => Tools.RunSdkFloor(s3, proxy.EndpointUrl, source, opt),
            _ => throw new ArgumentException($"unknown tool {tool}"),
        };
        result.Key = tool; result.N = n; result.LoadAverage = LoadAverage.OneMinute();
        result.Requests = proxy.Requests;
        result.ByKind = proxy.ByKind.ToDictionary(k => k.Key, k => k.Value);
        result.Verified = Seeding.Verify(s3, source, result);
        rows.Add(result);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  N={n} {tool}: {result.Wall:0.0} s wall, {result.Requests} requests ({result.Requests / (double)result.Objects:0.00}/object: {Report.KindsPerObject(result)}), {result.CpuSeconds:0.00} s CPU, {result.PeakRssMb:0} MB peak; matches {result.Verified}"));
    }
    // Written after every N, so a long run that fails later still leaves the sizes it measured.
    if (opt.Out != null) File.WriteAllText(opt.Out, Report.Markdown(rows, opt, versions, args));
}
var md = Report.Markdown(rows, opt, versions, args) + Tools.FixedStart(opt) + Calibration.Run(s3, rows.FirstOrDefault()?.DestinationBucket);
Console.WriteLine();
Console.WriteLine(md);
if (opt.Out != null) File.WriteAllText(opt.Out, md);
if (opt.UpdateDoc != null) DocSection.Replace(opt.UpdateDoc, "copy-bench", md);
return rows.All(r => r.Verified.Split('/') is [var a, var b] && a == b) ? 0 : 1;
