using System.Globalization;

namespace S3Migration.Bench;

sealed class Options
{
    public const int MultipartBytes = 6 * 1024 * 1024;
    public int[] Objects = { 500, 2000, 8000 };
    public int Size = 1024, Multipart = 3, Throttle = 16;
    public string[] Tools = { "s3migration", "rclone", "aws", "sdk" };
    public string? Out, UpdateDoc;

    public static Options Parse(string[] a)
    {
        var o = new Options();
        for (var i = 0; i + 1 < a.Length; i += 2)
            switch (a[i])
            {
                case "--objects" or "--sizes": o.Objects = a[i + 1].Split(',').Select(s => int.Parse(s.Replace("_", ""), CultureInfo.InvariantCulture)).ToArray(); break;
                case "--size": o.Size = int.Parse(a[i + 1], CultureInfo.InvariantCulture); break;
                case "--multipart": o.Multipart = int.Parse(a[i + 1], CultureInfo.InvariantCulture); break;
                case "--throttle": o.Throttle = int.Parse(a[i + 1], CultureInfo.InvariantCulture); break;
                case "--tools": o.Tools = a[i + 1].Split(','); break;
                case "--out": o.Out = a[i + 1]; break;
                case "--update-doc": o.UpdateDoc = a[i + 1]; break;
                default: throw new ArgumentException("unknown option " + a[i]);
            }
        if (a.Length % 2 != 0) throw new ArgumentException("options come in pairs: --name value");
        return o;
    }
}

sealed class Result
{
    public string Key = "", Tool = "", Note = "", Verified = "", DestinationBucket = "";
    public int N, Objects;
    public bool ByTarget;
    public double Wall, CpuSeconds, LoadAverage = double.NaN, PeakRssMb, PipelineCpuSeconds = double.NaN, PipelineWall = double.NaN;
    public long Requests, CopyRequests = -1;
    public Dictionary<string, int> ByKind = new();
}

/// <summary>Replaces the text between &lt;!-- NAME:start --&gt; and &lt;!-- NAME:end --&gt; in a markdown file, so a re-run republishes its table in place.</summary>
static class DocSection
{
    public static void Replace(string path, string name, string body)
    {
        var text = File.ReadAllText(path);
        var (start, end) = ($"<!-- {name}:start -->", $"<!-- {name}:end -->");
        var i = text.IndexOf(start, StringComparison.Ordinal);
        var j = text.IndexOf(end, StringComparison.Ordinal);
        if (i < 0 || j < i) throw new InvalidOperationException($"{path} has no {start} ... {end} section to replace");
        File.WriteAllText(path, text[..(i + start.Length)] + "\n" + body.TrimEnd() + "\n" + text[j..]);
        Console.WriteLine($"Updated the {name} section of {path}.");
    }
}
