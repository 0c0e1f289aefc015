using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// Issue 10, item 6, the way it was seen: Copy-PersonFiles killed -9 (the real PowerShell process) at random moments,
/// resumed, killed again, finished; then Undo-Migration. No copy of the migration may be left behind, however many
/// copies a kill kept out of the journal, and no source is touched.
/// </summary>
[Collection(S3Collection.Name)]
public class CopyCrashTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    private readonly ITestOutputHelper _out;
    public CopyCrashTests(MotoServer moto, ITestOutputHelper output) { _moto = moto; _s3 = moto.CreateClient(); _out = output; }

    private const string Script = """
        $ErrorActionPreference = 'Stop'
        Import-Module $env:S3MIG_MANIFEST
        $null = Get-MigrationInventory -Bucket $env:S3MIG_BUCKET -EndpointUrl $env:S3MIG_ENDPOINT |
            Copy-PersonFiles -WorkspacePath $env:S3MIG_WS -EndpointUrl $env:S3MIG_ENDPOINT -ThrottleLimit 8
        'COPY DONE'
        """;

    [SkippableTheory]
    [InlineData(7)]
    [InlineData(11)]
    public void Kill_9_at_random_moments_of_the_copy_then_resume_then_undo_leaves_no_copy_behind(int seed)
    {
        Skip.If(PwshProcess.Locate(out var whyNot) == null, whyNot + ": the crash test needs a pwsh process to kill");
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("copycrash"));
        var sources = new List<string>();
        for (var p = 1; p <= 40; p++)
            foreach (var ext in new[] { "mp3", "pdf", "mp4", "srt" })
            {
                var key = $"{p}_P{p}/file.{ext}";
                b.Put(key, $"{ext} of person {p}");
                sources.Add(key);
            }

        var random = new Random(seed);
        var kills = 0;
        for (var round = 0; round < 3; round++)
        {
            // Each copy answer is held back a little, so the kill lands while copies are in flight: some made by S3 and
            // not yet journaled. The kill comes after a random number of copy answers (within the run's 160 copies).
            using var proxy = new LoopbackProxy(_moto.EndpointUrl, delayMs: 5);
            var killAfter = random.Next(5, 60);
            var point = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var copies = 0;
            proxy.AfterAnswer = kind => { if (kind == "PUT copy" && Interlocked.Increment(ref copies) == killAfter) point.TrySetResult(); };
            using var pwsh = PwshProcess.Start(Script, new Dictionary<string, string>
            {
                ["S3MIG_MANIFEST"] = RepoPaths.Manifest, ["S3MIG_WS"] = dir.Path, ["S3MIG_ENDPOINT"] = proxy.EndpointUrl, ["S3MIG_BUCKET"] = b.Name,
            });
            Assert.True(Task.WhenAny(point.Task, pwsh.Exited).Wait(TimeSpan.FromMinutes(2)), "the copy neither reached the kill point nor ended:\n" + pwsh.Output);
            if (!point.Task.IsCompleted) { Assert.True(pwsh.WaitForExit(TimeSpan.FromSeconds(30))); break; }
            // A random moment after that answer: the next copies are at every stage, from sent to journaled.
            Thread.Sleep(random.Next(0, 40));
            pwsh.KillHard();
            kills++;
        }
        _out.WriteLine($"{kills} kills; journal rows after them: {CopyRun.Journal(dir.Path).Count}");
        Assert.True(kills >= 2, "the copy ran to its end before it could be killed twice");

        // The run that finishes the migration, in the engine.
        var finish = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint",
            ("bucket", b.Name), ("ws", dir.Path));
        Assert.Null(finish.Terminating);
        Assert.Empty(finish.Errors);
        var verified = CopyJournal.LastWordPerSource(CopyRun.Journal(dir.Path)).Where(e => e.Migrated).ToList();
        Assert.Equal(sources.Count, verified.Count);
        // Every copy is the migration's own: none is kept by the undo as "found in place".
        Assert.All(verified, e => Assert.Equal("", e.Keep));
        _out.WriteLine($"made by a killed run and recognised on resume: {finish.Objects<MigrationResult>().Count(r => r.Notes.Contains(JournalRow.MadeEarlierNote))}");

        var undo = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", dir.Path));
        Assert.Null(undo.Terminating);
        var keys = CopyRun.Keys(_s3, b.Name);
        Assert.Equal(sources.OrderBy(k => k, StringComparer.Ordinal), keys.OrderBy(k => k, StringComparer.Ordinal)); // no copy left, every source there
    }
}
