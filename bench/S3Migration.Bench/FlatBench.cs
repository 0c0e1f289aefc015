using System.Diagnostics;
using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Bench;

/// <summary>
/// The flat-memory benchmark (issue 13: "Get-MigrationInventory and Copy-PersonFiles over 1,000,000 keys in flat memory,
/// also on a re-run after a migration"). It builds, at N keys, each structure the inventory and the copy hold one entry
/// per key in, as a re-run after a migration of N files fills them: the destination index (a listing of the type folders),
/// the copy's claims on target keys, and the journal's verified rows (MigrationJournal.Open over a journal of N verified
/// copies). For each it reports the managed memory retained (after a full collection) per key, and the CPU of a lookup;
/// then the process's peak RSS. No S3 server is involved: seeding moto with a million objects takes hours, and what
/// grows with N is these structures (the planner holds one person's objects; the reports hold per-person tallies).
/// </summary>
static class FlatBench
{
    public static int Main(string[] args)
    {
        var keys = 1_000_000;
        string? outPath = null;
        for (var i = 1; i + 1 < args.Length; i += 2)
            switch (args[i])
            {
                case "--keys": keys = int.Parse(args[i + 1].Replace("_", ""), CultureInfo.InvariantCulture); break;
                case "--out": outPath = args[i + 1]; break;
                default: throw new ArgumentException("unknown option " + args[i]);
            }
        var md = new StringBuilder();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.MachineName} ({Environment.ProcessorCount} cores), with"));
        md.AppendLine().AppendLine("```bash").AppendLine("dotnet run -c Release --no-build --project bench/S3Migration.Bench -- " + string.Join(' ', args)).AppendLine("```").AppendLine();
        md.AppendLine("| structure, N = " + keys.ToString("N0", CultureInfo.InvariantCulture) + " | retained MB | bytes per key | CPU µs per lookup |");
        md.AppendLine("|---|---:|---:|---:|");

        md.AppendLine(Row("destination index (inventory, copy)", keys, n =>
        {
            var index = new DestinationIndex();
            for (var i = 0; i < n; i++) index.Add(Key(i), 1024 + i, Md5(i));
            return index;
        }, (o, i) => ((DestinationIndex)o).TryGet(Key(i), out _, out _)));

        using var s3 = new AmazonS3Client(new AnonymousAWSCredentials(), new AmazonS3Config { ServiceURL = "http://127.0.0.1:9" });
        md.AppendLine(Row("claims on target keys (copy)", keys, n =>
        {
            var catalog = new DestinationCatalog(new S3Lister(s3, "nowhere"));
            for (var i = 0; i < n; i++) catalog.Claim("media", Key(i), Source(i));
            return catalog;
        }, (o, i) => ((DestinationCatalog)o).Claim("media", Key(i), Source(i))));

        var ws = Path.Combine(Path.GetTempPath(), "flat-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(ws);
        try
        {
            WriteJournal(ws, keys);
            md.AppendLine(Row("journal's verified rows (copy re-run)", keys, _ => MigrationJournal.Open(ws),
                (o, i) => ((MigrationJournal)o).Verified.TryGetValue(Source(i), out _)));
        }
        finally { Directory.Delete(ws, true); }

        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Peak working set of the benchmark process: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB (all three built one after another, each released before the next)."));
        Console.WriteLine(md);
        if (outPath != null) File.WriteAllText(outPath, md.ToString());
        return 0;
    }

    private static string Key(int i) => string.Create(CultureInfo.InvariantCulture, $"audio/{i}_Person_Number_{i}_interview-recording-{i:000000}.mp3");
    private static string Source(int i) => string.Create(CultureInfo.InvariantCulture, $"s3://media/{i}_Person_Number_{i}/interview-recording-{i:000000}.mp3");
    private static string Md5(int i) => i.ToString("x32", CultureInfo.InvariantCulture);

    private static string Row(string name, int n, Func<int, object> build, Func<object, int, bool> lookup)
    {
        var before = GC.GetTotalMemory(true);
        var held = build(n);
        var retained = GC.GetTotalMemory(true) - before;
        const int lookups = 100_000;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var found = 0;
        for (var i = 0; i < lookups; i++) if (lookup(held, (int)((long)i * 7919 % n))) found++;
        var per = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds * 1000 / lookups;
        GC.KeepAlive(held);
        (held as IDisposable)?.Dispose();
        if (found != lookups) throw new InvalidOperationException($"{name}: {found} of {lookups} lookups found their key");
        Console.Error.WriteLine($"{name}: {retained / 1048576.0:0.0} MB, {retained / (double)n:0.0} B/key, {per:0.00} µs/lookup");
        return string.Create(CultureInfo.InvariantCulture, $"| {name} | {retained / 1048576.0:0.0} | {retained / (double)n:0.0} | {per:0.00} |");
    }

    /// <summary>A journal of <paramref name="rows"/> verified copies, one per source, as the copy writes it.</summary>
    private static void WriteJournal(string ws, int rows)
    {
        static string Quoted(string f) => f.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0 ? f : "\"" + f.Replace("\"", "\"\"") + "\"";
        using var w = new StreamWriter(Path.Combine(ws, MigrationJournal.FileName), false, new UTF8Encoding(false));
        w.Write(string.Join(",", JournalRow.Columns) + "\n");
        for (var i = 0; i < rows; i++)
            w.Write(string.Join(",", new JournalRow
            {
                RowId = i.ToString(CultureInfo.InvariantCulture), PersonName = $"Person_Number_{i}", OldPath = Source(i), NewPath = "s3://media/" + Key(i),
                FileType = "audio", Size = 1024 + i, Md5 = Md5(i), Timestamp = DateTime.UtcNow, VerificationStatus = JournalRow.Verified, SourceETag = Md5(i),
                DestinationETag = Md5(i), ContentType = "audio/mpeg", VerifiedBy = "etag", Attempts = 1, Result = "Verified",
            }.ToFields().Select(Quoted)) + "\n");
    }
}
