using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using S3Migration.Workspace;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Bench;

/// <summary>
/// The CSV benchmark (issue: "a 100,000-row CSV updated"): generates a people CSV of N rows, three URLs each plus
/// quoted text columns, and a journal with a verified copy behind every URL, then runs Update-OutputCsv in the
/// PowerShell engine in a child process under getrusage, so its wall time, CPU and peak memory are its own. No S3
/// server is involved: the update reads only the CSV and the journal.
/// </summary>
static class CsvBench
{
    public static int Main(string[] args)
    {
        int[] rowCounts = { 100_000, 1_000_000 };
        var heapLimitMb = 4096;
        string? outPath = null, docPath = null;
        for (var i = 1; i + 1 < args.Length; i += 2)
            switch (args[i])
            {
                case "--rows": rowCounts = args[i + 1].Split(',').Select(s => int.Parse(s.Replace("_", ""), CultureInfo.InvariantCulture)).ToArray(); break;
                case "--heap-limit-mb": heapLimitMb = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--out": outPath = args[i + 1]; break;
                case "--update-doc": docPath = args[i + 1]; break;
                default: throw new ArgumentException("unknown option " + args[i]);
            }
        var md = new StringBuilder();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.MachineName} ({Environment.ProcessorCount} cores), with"));
        md.AppendLine();
        md.AppendLine("```bash");
        md.AppendLine("dotnet run -c Release --no-build --project bench/S3Migration.Bench -- " + string.Join(' ', args));
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Each row: a CSV of that many rows, 3 URLs a row, all rewritten, and a journal of 3 verified copies a row. The child's managed heap is capped at {heapLimitMb} MB (DOTNET_GCHeapHardLimit) so that a run whose memory grows with the CSV fails instead of taking the machine."));
        md.AppendLine();
        md.AppendLine("| rows | CSV MB | URLs rewritten | Update-OutputCsv s | process wall s | process CPU s | peak RSS MB | result |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|");
        var ok = true;
        foreach (var rows in rowCounts)
        {
            var (line, good) = RunOne(rows, heapLimitMb);
            md.AppendLine(line);
            ok &= good;
        }
        Console.WriteLine();
        Console.WriteLine(md);
        if (outPath != null) File.WriteAllText(outPath, md.ToString());
        if (docPath != null) DocSection.Replace(docPath, "csv-bench", md.ToString());
        return ok ? 0 : 1;
    }

    /// <summary>One CSV size: generate, update in a child under getrusage, and the table row.</summary>
    private static (string Line, bool Ok) RunOne(int rows, int heapLimitMb)
    {
        var dir = Path.Combine(Path.GetTempPath(), "s3mig-csvbench-" + Guid.NewGuid().ToString("N")[..8]);
        var ws = Path.Combine(dir, "migration");
        Directory.CreateDirectory(ws);
        var csv = Path.Combine(dir, "outputs", "output.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(csv)!);
        try
        {
            var generate = Stopwatch.StartNew();
            Generate(csv, ws, rows);
            var mb = new FileInfo(csv).Length / 1048576.0;
            Console.WriteLine($"Generated {rows} rows ({mb:0.0} MB) and a journal of {3 * rows} copies in {generate.Elapsed.TotalSeconds:0.0} s.");
            var self = typeof(CsvBench).Assembly.Location;
            var env = new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = "0x" + ((long)heapLimitMb * 1048576).ToString("X", CultureInfo.InvariantCulture) };
            var r = Rusage.Run("dotnet", new[] { self, "csv-child", csv, ws }, env, throwOnFailure: false);
            var last = r.Stdout.Trim().Split('\n').LastOrDefault(l => l.StartsWith('{'));
            var child = last == null ? (JsonElement?)null : JsonDocument.Parse(last).RootElement;
            var rewritten = child?.GetProperty("rewritten").GetInt32() ?? -1;
            var seconds = child?.GetProperty("seconds").GetDouble() ?? double.NaN;
            var result = r.ExitCode == 0 && rewritten == 3 * rows ? "ok"
                : r.Stderr.Contains("OutOfMemory", StringComparison.Ordinal) ? $"did not finish: out of memory at the {heapLimitMb} MB heap limit"
                : $"failed (exit {r.ExitCode})";
            Console.WriteLine($"  {rows} rows: {result}, {r.Wall:0.0} s wall, {r.MaxRssMb:0} MB peak");
            return (string.Create(CultureInfo.InvariantCulture,
                $"| {rows} | {mb:0.#} | {(rewritten < 0 ? "-" : rewritten.ToString(CultureInfo.InvariantCulture))} | {(double.IsNaN(seconds) ? "-" : seconds.ToString("0.0", CultureInfo.InvariantCulture))} | {r.Wall:0.0} | {r.Cpu:0.0} | {r.MaxRssMb:0} | {result} |"), result == "ok");
        }
        finally { Directory.Delete(dir, true); }
    }

    private static void Generate(string csv, string ws, int rows)
    {
        using (var journal = MigrationJournal.Open(ws))
        using (var w = new StreamWriter(csv, false, new UTF8Encoding(true)))
        {
            w.Write("row_id,name,bio,s3_audio_url,s3_video_url,s3_transcript_url,updated\r\n");
            var now = DateTime.UtcNow;
            for (var i = 1; i <= rows; i++)
            {
                var folder = $"{i}_Person_{i}";
                w.Write($"{i},Person {i},\"Likes \"\"quotes\"\", commas, and\nnew lines\",s3://media/{folder}/talk.mp3,https://media.s3.eu-west-1.amazonaws.com/{folder}/talk.mp4,s3://media/{folder}/talk.srt,2025-01-{i % 28 + 1:00}\r\n");
                foreach (var (file, type) in new[] { ("talk.mp3", "audio"), ("talk.mp4", "video"), ("talk.srt", "transcripts") })
                    journal.Append(new JournalRow
                    {
                        RowId = i.ToString(CultureInfo.InvariantCulture), PersonName = $"Person_{i}", OldPath = $"s3://media/{folder}/{file}",
                        NewPath = $"s3://media/{type}/{folder}_{file}", FileType = type, Size = 1024, Md5 = "0123456789abcdef0123456789abcdef",
                        Timestamp = now, VerificationStatus = JournalRow.Verified, SourceETag = "0123456789abcdef0123456789abcdef",
                        DestinationETag = "0123456789abcdef0123456789abcdef", ContentType = "application/octet-stream", VerifiedBy = "etag",
                        Attempts = 1, Result = "Verified",
                    });
            }
        }
    }

    /// <summary>The child: Update-OutputCsv in the engine, timed from the pipeline's start to its end.</summary>
    public static int Child(string[] a)
    {
        using var ps = Engine.WithModule();
        var clock = Stopwatch.StartNew();
        // Streamed, as `| Export-Csv` or `| Out-Null` would: the figures are the cmdlet's, not those of an array of 300,000 results.
        ps.AddScript("Update-OutputCsv -Path $args[0] -WorkspacePath $args[1] -KeepSchema | ForEach-Object { $last = $_ }; $last.Rewritten").AddArgument(a[1]).AddArgument(a[2]);
        var result = ps.Invoke();
        clock.Stop();
        foreach (var e in ps.Streams.Error) Console.Error.WriteLine(e);
        Console.WriteLine(JsonSerializer.Serialize(new { seconds = clock.Elapsed.TotalSeconds, rewritten = result.Count == 1 ? (int)result[0].BaseObject : -1 }));
        return ps.HadErrors ? 1 : 0;
    }
}
