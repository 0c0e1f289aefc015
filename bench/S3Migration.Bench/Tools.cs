using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Bench;

/// <summary>The three tools, each run as a child process under getrusage on the same seeded data.</summary>
static class Tools
{
    /// <summary>Installs rclone when it is missing (apt-get, as root) and reads each tool's version for the report.</summary>
    public static Dictionary<string, string> Prepare(string[] tools)
    {
        var versions = new Dictionary<string, string>();
        if (tools.Contains("rclone"))
        {
            if (Version("rclone", "version") == null)
            {
                Console.WriteLine("rclone is missing: apt-get install -y rclone");
                if (Exec("apt-get", "install", "-y", "-q", "rclone") != 0 && (Exec("apt-get", "update", "-q") != 0 || Exec("apt-get", "install", "-y", "-q", "rclone") != 0))
                    throw new InvalidOperationException("could not install rclone (apt-get needs root); install it, or leave it out with --tools s3migration,aws");
            }
            versions["rclone"] = Version("rclone", "version") ?? "rclone";
        }
        if (tools.Contains("aws")) versions["aws"] = Version("aws", "--version") ?? "aws-cli";
        return versions;
    }

    public static Result RunOurs(string endpoint, (string Bucket, List<(string Key, string TargetKey, string Md5)> Objects) src, Options opt)
    {
        var ws = Path.Combine(Path.GetTempPath(), "s3mig-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var self = typeof(Options).Assembly.Location;
        var r = Rusage.Run("dotnet", new[] { self, "copy-child", endpoint, src.Bucket, ws, opt.Throttle.ToString(CultureInfo.InvariantCulture) }, null);
        var child = JsonDocument.Parse(r.Stdout.Split('\n').Last(l => l.StartsWith('{'))).RootElement;
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws, "migration_summary.json"))).RootElement;
        Directory.Delete(ws, true);
        return new Result
        {
            Tool = "S3Migration (inventory | Copy-PersonFiles)", Objects = src.Objects.Count, Wall = r.Wall, CpuSeconds = r.Cpu, PeakRssMb = r.MaxRssMb,
            PipelineCpuSeconds = child.GetProperty("pipeline_cpu").GetDouble(), PipelineWall = child.GetProperty("pipeline_wall").GetDouble(),
            CopyRequests = summary.GetProperty("requests").GetInt64(), DestinationBucket = src.Bucket, ByTarget = true,
            Note = $"verified {summary.GetProperty("files_verified").GetInt32()}, failed {summary.GetProperty("files_failed").GetInt32()}; "
                   + "every copy checked by the default verification, metadata and migration tags kept, journal written",
        };
    }

    public static Result RunRclone(IAmazonS3 s3, string endpoint, (string Bucket, List<(string, string, string)> Objects) src, Options opt, Dictionary<string, string> versions)
    {
        var dst = src.Bucket.Replace("bench-rclone", "dst-rclone");
        s3.PutBucketAsync(dst).GetAwaiter().GetResult();
        var env = new Dictionary<string, string?>
        {
            ["RCLONE_CONFIG_M_TYPE"] = "s3", ["RCLONE_CONFIG_M_PROVIDER"] = "Other", ["RCLONE_CONFIG_M_ENDPOINT"] = endpoint,
            ["RCLONE_CONFIG_M_ACCESS_KEY_ID"] = MotoServer.AccessKey, ["RCLONE_CONFIG_M_SECRET_ACCESS_KEY"] = MotoServer.SecretKey,
            ["RCLONE_CONFIG_M_FORCE_PATH_STYLE"] = "true", ["RCLONE_CONFIG_M_REGION"] = "us-east-1",
            ["AWS_CA_BUNDLE"] = null, // rclone refuses this machine's bundle for its transport; the other tools keep it
        };
        var t = opt.Throttle.ToString(CultureInfo.InvariantCulture);
        var r = Rusage.Run("rclone", new[] { "copy", $"m:{src.Bucket}", $"m:{dst}", "--transfers", t, "--checkers", t }, env);
        return new Result { Tool = $"rclone copy ({versions["rclone"]})", Objects = src.Objects.Count, Wall = r.Wall, CpuSeconds = r.Cpu, PeakRssMb = r.MaxRssMb, DestinationBucket = dst,
            Note = "same keys in another bucket; size and MD5 compared where the ETag is one; metadata kept" };
    }

    public static Result RunAws(IAmazonS3 s3, string endpoint, (string Bucket, List<(string, string, string)> Objects) src, Options opt, Dictionary<string, string> versions)
    {
        var dst = src.Bucket.Replace("bench-aws", "dst-aws");
        s3.PutBucketAsync(dst).GetAwaiter().GetResult();
        var config = Path.GetTempFileName();
        File.WriteAllText(config, $"[default]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = {opt.Throttle}\n");
        var r = Rusage.Run("aws", new[] { "--endpoint-url", endpoint, "s3", "cp", "--recursive", "--only-show-errors", $"s3://{src.Bucket}", $"s3://{dst}" },
            new Dictionary<string, string?> { ["AWS_CONFIG_FILE"] = config, ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretKey });
        File.Delete(config);
        return new Result { Tool = $"aws s3 cp --recursive ({versions["aws"]})", Objects = src.Objects.Count, Wall = r.Wall, CpuSeconds = r.Cpu, PeakRssMb = r.MaxRssMb, DestinationBucket = dst,
            Note = "same keys in another bucket; no verification after the copy" };
    }

    /// <summary>The floor of a client on AWSSDK.S3 (<see cref="SdkFloorChild"/>): HEAD and CopyObject per object, no PowerShell, no module.</summary>
    public static Result RunSdkFloor(IAmazonS3 s3, string endpoint, (string Bucket, List<(string, string, string)> Objects) src, Options opt)
    {
        var dst = src.Bucket.Replace("bench-sdk", "dst-sdk");
        s3.PutBucketAsync(dst).GetAwaiter().GetResult();
        var r = Rusage.Run("dotnet", new[] { typeof(Options).Assembly.Location, "sdk-child", endpoint, src.Bucket, dst, opt.Throttle.ToString(CultureInfo.InvariantCulture) }, null);
        return new Result { Tool = "bare AWSSDK.S3 4.x program (HEAD + CopyObject, no PowerShell)", Objects = src.Objects.Count, Wall = r.Wall, CpuSeconds = r.Cpu, PeakRssMb = r.MaxRssMb, DestinationBucket = dst,
            Note = "the floor of any client on this SDK: .NET start, a listing, and per object the HEAD and conditional CopyObject rclone also sends, with nothing else (no journal, no verification beyond the copy's ETag, no PowerShell)" };
    }

    /// <summary>What S3Migration costs before any work: a process that hosts PowerShell, imports the module and ends (three runs, the least).</summary>
    public static string FixedStart(Options opt)
    {
        if (!opt.Tools.Contains("s3migration")) return "";
        var runs = Enumerable.Range(0, 3).Select(_ => Rusage.Run("dotnet", new[] { typeof(Options).Assembly.Location, "start-child" }, null)).ToList();
        var best = runs.MinBy(r => r.Cpu)!;
        return string.Create(CultureInfo.InvariantCulture,
            $"\nFixed start of S3Migration: hosting PowerShell and importing the module, with no work, costs {best.Cpu:0.00} s of CPU and {best.MaxRssMb:0} MB (the least of 3 runs); that alone is {best.Cpu * 1000 / 500:0.00} s per 1,000 objects at N = 500.\n");
    }

    /// <summary>The first word-pair of a tool's version line ("rclone v1.60.1-DEV", "aws-cli/1.45.11"), or null when it does not run.</summary>
    private static string? Version(string file, string arg)
    {
        try
        {
            var psi = new ProcessStartInfo(file, arg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) return null;
            var words = text.Trim().Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return file == "aws" ? words[0] : string.Join(' ', words.Take(2));
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }

    private static int Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try { using var p = Process.Start(psi)!; p.WaitForExit(); return p.ExitCode; }
        catch (System.ComponentModel.Win32Exception) { return -1; }
    }
}
