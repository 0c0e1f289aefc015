using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// A review of issue 10 ("one migration, one truth") by crashes and S3's edge cases: the real PowerShell process killed
/// -9 at chosen moments of a phase, then the phase (or the next one) run again. Whatever the moment, nothing may be left
/// behind that the workspace does not know of (a copy, an open multipart upload), and no workspace file may lie.
/// </summary>
[Collection(S3Collection.Name)]
public class CrashEdgeReviewTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    private readonly ITestOutputHelper _out;
    public CrashEdgeReviewTests(MotoServer moto, ITestOutputHelper output) { _moto = moto; _s3 = moto.CreateClient(); _out = output; }

    private static void SkipWithoutPwsh() =>
        Skip.If(PwshProcess.Locate(out var whyNot) == null, whyNot + ": the crash test needs a pwsh process to kill");

    /// <summary>Runs <paramref name="script"/> in pwsh and kills it -9 once <paramref name="reached"/> completes. True when it was killed.</summary>
    private static bool RunAndKill(string script, Dictionary<string, string> env, Task reached, Action? beforeKill = null)
    {
        env["S3MIG_MANIFEST"] = RepoPaths.Manifest;
        using var pwsh = PwshProcess.Start(script, env);
        Assert.True(Task.WhenAny(reached, pwsh.Exited).Wait(TimeSpan.FromMinutes(1)), "the run neither reached the kill point nor ended:\n" + pwsh.Output);
        if (!reached.IsCompleted)
        {
            pwsh.WaitForExit(TimeSpan.FromSeconds(10));
            Assert.Fail("the run ended before the kill point:\n" + pwsh.Output);
        }
        beforeKill?.Invoke();
        pwsh.KillHard();
        return pwsh.HasExited;
    }

    private List<MultipartUpload> OpenUploads(string bucket) =>
        _s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket }).GetAwaiter().GetResult().MultipartUploads ?? new List<MultipartUpload>();

    // ---- Copy-PersonFiles killed in the middle of a multipart copy ------------------------------------------------

    /// <summary>
    /// Killed once S3 made the <paramref name="killAtPart"/>th part copy (two parts an object, one object at a time), so
    /// that object's CompleteMultipartUpload is never sent; then resumed and undone, or undone at once: with the first
    /// copy verified and the second's upload open, or with nothing verified (nothing to undo but the open upload).
    /// </summary>
    [SkippableTheory]
    [InlineData(1, true)]
    [InlineData(3, false)]
    [InlineData(1, false)]
    public void Killed_during_a_multipart_copy_then_resumed_or_not_then_undone_leaves_no_copy_and_no_open_multipart_upload(int killAtPart, bool resume)
    {
        SkipWithoutPwsh();
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("mpcrash"));
        var sources = new[] { "1_Ann/talk.mp3", "2_Bob/film.mp4" };
        for (var i = 0; i < sources.Length; i++) b.Put(sources[i], TestBucket.RandomBytes(6 * 1024 * 1024, seed: i + 1));

        // The first part copy has been made by S3; its answer is held, so CompleteMultipartUpload is never sent.
        using (var proxy = new LoopbackProxy(_moto.EndpointUrl))
        {
            var point = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var parts = 0;
            proxy.BeforeAnswer = kind =>
            {
                if (kind != "PUT part-copy" || Interlocked.Increment(ref parts) != killAtPart) return Task.CompletedTask;
                point.TrySetResult();
                return release.Task;
            };
            try
            {
                Assert.True(RunAndKill("""
                    $ErrorActionPreference = 'Stop'
                    Import-Module $env:S3MIG_MANIFEST
                    $null = Get-MigrationInventory -Bucket $env:S3MIG_BUCKET -EndpointUrl $env:S3MIG_ENDPOINT |
                        Copy-PersonFiles -WorkspacePath $env:S3MIG_WS -EndpointUrl $env:S3MIG_ENDPOINT -MultipartThreshold 5MB -PartSize 5MB -ThrottleLimit 1
                    """, new Dictionary<string, string> { ["S3MIG_WS"] = dir.Path, ["S3MIG_ENDPOINT"] = proxy.EndpointUrl, ["S3MIG_BUCKET"] = b.Name }, point.Task));
            }
            finally { release.TrySetCanceled(); }
        }
        Assert.NotEmpty(OpenUploads(b.Name)); // the premise: the kill left an upload open

        if (resume)
        {
            var resumed = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -MultipartThreshold 5MB -PartSize 5MB",
                ("bucket", b.Name), ("ws", dir.Path));
            Assert.Null(resumed.Terminating);
            Assert.All(resumed.Objects<MigrationResult>(), r => Assert.Equal(MigrationResultStatus.Verified, r.Status));
        }

        var undo = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", dir.Path));
        var stop = undo.StoppingError;
        Assert.True(stop == null || (!resume && killAtPart == 1 && stop.FullyQualifiedErrorId.StartsWith("NothingToUndo")), stop?.ToString());

        Assert.Equal(sources.OrderBy(k => k, StringComparer.Ordinal), CopyRun.Keys(_s3, b.Name).OrderBy(k => k, StringComparer.Ordinal));
        var open = OpenUploads(b.Name);
        Assert.True(open.Count == 0, $"a multipart upload the killed run started is still open (its parts billed, invisible in listings): {string.Join(", ", open.Select(u => $"{u.Key} {u.UploadId}"))}");
    }

    // ---- Update-OutputCsv killed between its swap and its record -------------------------------------------------

    /// <summary>True while a thread of the process waits in the kernel for the other end of a pipe it opens.</summary>
    private static bool WaitsForPipe(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task")
                .Any(t => { try { return File.ReadAllText(Path.Combine(t, "wchan")).Trim() == "wait_for_partner"; } catch (IOException) { return false; } });
        }
        catch (DirectoryNotFoundException) { return false; }
    }

    /// <summary>A named pipe: opening it for writing blocks until a reader comes, so a write to it holds a run at that exact step.</summary>
    private static void MakeFifo(string path)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mkfifo") { ArgumentList = { path }, UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    [SkippableFact]
    public void Killed_while_Update_OutputCsv_records_its_swap_the_restore_still_puts_the_original_back()
    {
        SkipWithoutPwsh();
        Skip.If(!OperatingSystem.IsLinux(), "holds the run at its record with a named pipe (mkfifo, /proc/<pid>/task/*/wchan of Linux)");
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("csvkill"));
        b.Put("1_Ann/a.mp3", "ann audio");
        var ws = dir.File("ws");
        var csv = dir.File("output.csv");
        var original = $"row_id,name,s3_audio_url\n1,Ann,s3://{b.Name}/1_Ann/a.mp3\n";
        File.WriteAllText(csv, original);
        var copy = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop",
            ("bucket", b.Name), ("ws", ws), ("csv", csv));
        Assert.Null(copy.Terminating);

        // csv_update.json is written as csv_update.json.partial, then renamed: a pipe there holds the run as it opens it to
        // write its record (open(2) of a pipe waits for a reader, in the kernel's wait_for_partner). The kill comes then.
        var record = Path.Combine(ws, CsvUpdateLog.FileName);
        MakeFifo(record + ".partial");
        using (var pwsh = PwshProcess.Start("""
            $ErrorActionPreference = 'Stop'
            Import-Module $env:S3MIG_MANIFEST
            $null = Update-OutputCsv -Path $env:S3MIG_CSV -WorkspacePath $env:S3MIG_WS
            """, new Dictionary<string, string>
            {
                ["S3MIG_MANIFEST"] = RepoPaths.Manifest, ["S3MIG_WS"] = ws, ["S3MIG_CSV"] = csv,
                ["DOTNET_EnableDiagnostics"] = "0", // the runtime's own diagnostics pipe would wait for a partner too
            }))
        {
            var until = DateTime.UtcNow.AddMinutes(1);
            var backups = Path.Combine(dir.Path, "backups");
            // Both waits: the update's backup is written first, then (before or after the swap) its record.
            while (!(Directory.Exists(backups) && Directory.EnumerateFiles(backups, "*_pre_url_update*").Any() && WaitsForPipe(pwsh.Id)))
            {
                Assert.False(pwsh.HasExited, "the run ended without opening its record:\n" + pwsh.Output);
                Assert.True(DateTime.UtcNow < until, "the run never came to its record:\n" + pwsh.Output);
                Thread.Sleep(20);
            }
            pwsh.KillHard();
        }
        File.Delete(record + ".partial");
        var swapped = File.ReadAllText(csv) != original;
        _out.WriteLine(swapped ? "killed after the swap" : "killed before the swap");

        // Whichever side of the swap the kill fell on, the workspace knows what the CSV is: a CSV the killed run rewrote is
        // put back by the restore (an untouched one needs none) ...
        var vars = new Dictionary<string, object?> { ["ws"] = ws, ["csv"] = csv };
        var restore = PowerShellHost.Run("Restore-OutputCsv -WorkspacePath $ws -Confirm:$false", vars);
        Assert.True(restore.StoppingError == null || (!swapped && restore.StoppingError.FullyQualifiedErrorId.StartsWith("NothingToRestore")),
            "Restore-OutputCsv after the kill: " + restore.StoppingError);
        Assert.Equal(original, File.ReadAllText(csv));
        // ... and an update run again, then restored, ends where it began.
        var update = PowerShellHost.Run("Update-OutputCsv -Path $csv -WorkspacePath $ws", vars);
        Assert.True(update.StoppingError == null, "Update-OutputCsv after the restore: " + update.StoppingError);
        Assert.Contains("audio/1_Ann_a.mp3", File.ReadAllText(csv));
        restore = PowerShellHost.Run("Restore-OutputCsv -WorkspacePath $ws -Confirm:$false", vars);
        Assert.True(restore.StoppingError == null, "Restore-OutputCsv after the second update: " + restore.StoppingError);
        Assert.Equal(original, File.ReadAllText(csv));
    }
}
