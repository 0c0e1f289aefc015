using System.Globalization;
using System.Text;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// Issue 13: Update-OutputCsv held the whole CSV (its bytes, its text, every parsed field, twice, and the new file), about
/// 13 KB a row, so a million rows wanted 13 GB. It now reads the CSV a record at a time. Measured in a pwsh process of
/// its own, as a user runs it: after a first update of a small CSV, updating one ten times its size must not raise the
/// process's peak memory by as much as the file's own size. No timing is asserted.
/// </summary>
public class CsvMemoryTests
{
    /// <summary>A CSV of <paramref name="rows"/> people with a long quoted bio each; the journal has verified copies of row 1 only.</summary>
    private static (string Csv, string Ws) Generate(TempDir dir, string name, int rows)
    {
        var ws = dir.File(name + "-ws");
        Directory.CreateDirectory(ws);
        using (var journal = MigrationJournal.Open(ws))
            foreach (var (file, type) in new[] { ("talk.mp3", "audio"), ("talk.mp4", "video") })
                journal.Append(new JournalRow
                {
                    RowId = "1", PersonName = "Person_1", OldPath = $"s3://media/1_Person_1/{file}", NewPath = $"s3://media/{type}/1_Person_1_{file}",
                    FileType = type, Size = 1024, Md5 = "0123456789abcdef0123456789abcdef", Timestamp = DateTime.UtcNow, VerificationStatus = JournalRow.Verified,
                    SourceETag = "0123456789abcdef0123456789abcdef", DestinationETag = "0123456789abcdef0123456789abcdef", ContentType = "application/octet-stream",
                    VerifiedBy = "etag", Attempts = 1, Result = "Verified",
                });
        var csv = dir.File(name + ".csv");
        var bio = "\"" + string.Concat(Enumerable.Repeat("Likes \"\"quotes\"\", commas, and\nnew lines. ", 6)) + "\"";
        using var w = new StreamWriter(csv, false, new UTF8Encoding(true));
        w.Write("row_id,name,bio,s3_audio_url,s3_video_url\r\n");
        for (var i = 1; i <= rows; i++)
            w.Write(string.Create(CultureInfo.InvariantCulture, $"{i},Person {i},{bio},s3://media/{i}_Person_{i}/talk.mp3,https://media.s3.eu-west-1.amazonaws.com/{i}_Person_{i}/talk.mp4\r\n"));
        return (csv, ws);
    }

    [SkippableFact]
    public void Updating_a_CSV_ten_times_larger_does_not_raise_peak_memory_by_its_size()
    {
        Skip.If(PwshProcess.Locate(out var whyNot) == null, whyNot);
        using var dir = new TempDir();
        var (small, smallWs) = Generate(dir, "small", 20_000);
        var (big, bigWs) = Generate(dir, "big", 200_000);
        var size = new FileInfo(big).Length;
        using var pwsh = PwshProcess.Start($$"""
            Import-Module ./S3Migration.psd1 -ErrorAction Stop
            $a = Update-OutputCsv -Path '{{small}}' -WorkspacePath '{{smallWs}}' -KeepSchema -ErrorAction Stop | Select-Object -Last 1
            [GC]::Collect()
            $before = (Get-Process -Id $PID).PeakWorkingSet64
            $b = Update-OutputCsv -Path '{{big}}' -WorkspacePath '{{bigWs}}' -KeepSchema -ErrorAction Stop | Select-Object -Last 1
            $after = (Get-Process -Id $PID).PeakWorkingSet64
            "REWRITTEN=$($a.Rewritten),$($b.Rewritten) REPLACED=$($b.Replaced)"
            "GROWTH=$($after - $before)"
            """);
        Assert.True(pwsh.WaitForExit(TimeSpan.FromMinutes(5)), pwsh.Output);
        Assert.Contains("REWRITTEN=2,2 REPLACED=True", pwsh.Output);
        var growth = long.Parse(pwsh.Output.Split("GROWTH=")[1].Trim().Split('\n')[0], CultureInfo.InvariantCulture);
        // Holding the file whole cost several times its size (bytes, UTF-16 text, fields); streaming costs a few buffers.
        Assert.True(growth < size, $"peak working set grew by {growth / 1048576} MB updating a {size / 1048576} MB CSV (after a 20,000-row one)\n{pwsh.Output}");
        // The rows not in the journal are byte for byte what they were: spot-check the last one.
        Assert.EndsWith("200000_Person_200000/talk.mp4\r\n", File.ReadAllText(big));
    }
}
