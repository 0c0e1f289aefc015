using System.Globalization;
using System.Text;

namespace S3Migration.Bench;

/// <summary>The markdown the benchmark prints and writes (--out, --update-doc): one table for every tool and N, then the ratios.</summary>
static class Report
{
    // S3 Standard list prices (us-east-1): HEAD and GET (but LIST) $0.0004 per 1,000; PUT, COPY, POST and LIST $0.005 per 1,000; DELETE free.
    public const double CheapPer1000 = 0.0004, DearPer1000 = 0.005;

    public static double PricePer1000(string kind) =>
        kind.StartsWith("DELETE", StringComparison.Ordinal) ? 0
        : kind == "GET list" ? DearPer1000
        : kind.StartsWith("HEAD", StringComparison.Ordinal) || kind.StartsWith("GET", StringComparison.Ordinal) ? CheapPer1000
        : DearPer1000;

    /// <summary>Dollars the requests of a run would cost on S3 for a million such objects.</summary>
    public static double DollarsPerMillion(Result r) => r.ByKind.Sum(k => k.Value * PricePer1000(k.Key) / 1000) / r.Objects * 1_000_000;

    public static string KindsPerObject(Result r) =>
        string.Join(", ", r.ByKind.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => k.Value * 200 >= r.Objects
                ? string.Create(CultureInfo.InvariantCulture, $"{k.Key} {k.Value / (double)r.Objects:0.00}")
                : $"{k.Key} {k.Value} in all")); // under 0.005 per object, "0.00" would hide that it happened

    /// <summary>Text for a table cell: a bare '|' would end the cell.</summary>
    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);

    public static string Markdown(List<Result> rows, Options opt, Dictionary<string, string> versions, string[] args)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(string.Create(inv, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.MachineName} ({Environment.ProcessorCount} cores), with"));
        sb.AppendLine();
        sb.AppendLine("```bash");
        sb.AppendLine("dotnet run -c Release --no-build --project bench/S3Migration.Bench -- " + string.Join(' ', args));
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"Data for each N: N objects of {opt.Size} B in 200 person folders and {opt.Multipart} multipart object(s) of {Options.MultipartBytes / 1048576} MiB (2 parts each), so N + {opt.Multipart} objects; concurrency {opt.Throttle} for every tool; one moto server on loopback for the whole run, a fresh source bucket per tool and N. "
            + $"Figures are whole processes, startup included; the last column is the machine's 1-minute load average when the tool ended (above the core count, other work competed for the cores and the wall time says little). Dollars at S3 list prices: HEAD and GET ${CheapPer1000} per 1,000, PUT, COPY, POST and LIST ${DearPer1000} per 1,000, DELETE free."));
        sb.AppendLine();
        sb.AppendLine("| N | tool | requests/object | by kind, per object | CPU s per 1,000 objects | peak RSS MB | wall s | objects/s | $ per million objects | destination matches source | load average after |");
        sb.AppendLine("|---:|---|---:|---|---:|---:|---:|---:|---:|---|---:|");
        foreach (var r in rows)
            sb.AppendLine(string.Create(inv, $"| {r.N} | {Cell(r.Tool)} | {r.Requests / (double)r.Objects:0.00} | {KindsPerObject(r)} | {r.CpuSeconds * 1000 / r.Objects:0.00} | {r.PeakRssMb:0} | {r.Wall:0.0} | {r.Objects / r.Wall:0} | {DollarsPerMillion(r):0.00} | {r.Verified} | {r.LoadAverage:0.0} |"));
        sb.AppendLine();
        var others = rows.Where(r => r.Key != "s3migration").Select(r => r.Key).Distinct().ToList();
        if (rows.Any(r => r.Key == "s3migration") && others.Count > 0)
        {
            sb.AppendLine("S3Migration divided by the other tool (above 1: S3Migration spends more):");
            sb.AppendLine();
            sb.AppendLine("| N | S3Migration / | requests/object | CPU per 1,000 objects | peak RSS | wall | $ per million objects |");
            sb.AppendLine("|---:|---|---:|---:|---:|---:|---:|");
            foreach (var n in rows.Select(r => r.N).Distinct())
            {
                var ours = rows.FirstOrDefault(r => r.N == n && r.Key == "s3migration");
                if (ours == null) continue;
                foreach (var r in rows.Where(r => r.N == n && r.Key != "s3migration"))
                    sb.AppendLine(string.Create(inv, $"| {n} | {Cell(r.Tool)} | ×{ours.Requests / (double)ours.Objects / (r.Requests / (double)r.Objects):0.00} | ×{ours.CpuSeconds / ours.Objects / (r.CpuSeconds / r.Objects):0.00} | ×{ours.PeakRssMb / r.PeakRssMb:0.00} | ×{ours.Wall / r.Wall:0.00} | ×{DollarsPerMillion(ours) / DollarsPerMillion(r):0.00} |"));
            }
            sb.AppendLine();
        }
        foreach (var tool in rows.Select(r => r.Key).Distinct())
        {
            var last = rows.Last(r => r.Key == tool);
            sb.AppendLine($"- **{last.Tool}**: {last.Note}.");
            foreach (var r in rows.Where(r => r.Key == tool && !double.IsNaN(r.PipelineCpuSeconds)))
                sb.AppendLine(string.Create(inv, $"  - N = {r.N}: the pipeline alone (after .NET and the PowerShell engine started): {r.PipelineWall:0.0} s wall, {r.PipelineCpuSeconds:0.00} s CPU, {r.PipelineCpuSeconds * 1000 / r.Objects:0.00} s CPU per 1,000 objects; the copy phase counted {r.CopyRequests} requests ({r.CopyRequests / (double)r.Objects:0.00}/object)."));
        }
        return sb.ToString();
    }
}
