using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Planning;
using S3Migration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace S3Migration.Tests.Integration;

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
}
