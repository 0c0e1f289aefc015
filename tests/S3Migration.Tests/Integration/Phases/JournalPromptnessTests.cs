using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// A copy S3 has made is journaled when it ends, not when the pipeline thread next comes by: while the pipeline is busy
/// upstream (an inventory still listing, a slow filter), a kill -9 would otherwise leave copies the journal does not name,
/// which Undo-Migration cannot find (seen as an intermittent CrashEdgeReviewTests failure after the bounded runner came in).
/// </summary>
[Collection(S3Collection.Name)]
public class JournalPromptnessTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public JournalPromptnessTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    [Fact]
    public void A_finished_copy_is_in_the_journal_while_the_pipeline_thread_waits_upstream()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("prompt"));
        b.Put("1_Ann/a.mp3", "a");
        b.Put("2_Bob/b.pdf", "b");
        b.Put("9_Zed/z.mp3", "z");
        var flag = dir.File("go");

        // The filter holds the pipeline thread before it passes the last item on, until the test says go.
        const string script = """
            Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint |
                ForEach-Object { if ($_.SourceKey -eq '9_Zed/z.mp3') { while (-not [System.IO.File]::Exists($flag)) { [System.Threading.Thread]::Sleep(50) } }; $_ } |
                Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint
            """;
        var ws = Path.Combine(dir.Path, "ws");
        var run = Task.Run(() => CopyRun.Pipe(_moto, script, ("bucket", b.Name), ("ws", ws), ("flag", flag)));
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            List<JournalRow> rows = new();
            while (DateTime.UtcNow < deadline && !run.IsCompleted)
            {
                if (File.Exists(Path.Combine(ws, MigrationJournal.FileName)))
                {
                    rows = CopyRun.Journal(ws);
                    if (rows.Count(r => r.VerificationStatus == JournalRow.Verified) == 2) break;
                }
                Thread.Sleep(100);
            }
            Assert.False(run.IsCompleted, "the run ended while the filter held its last item: " + (run.IsCompleted ? run.Result.Terminating + string.Join("; ", run.Result.Errors) : ""));
            Assert.Equal(new[] { "s3://" + b.Name + "/1_Ann/a.mp3", "s3://" + b.Name + "/2_Bob/b.pdf" },
                rows.Where(r => r.VerificationStatus == JournalRow.Verified).Select(r => r.OldPath).OrderBy(p => p, StringComparer.Ordinal));
        }
        finally { File.WriteAllText(flag, ""); }

        var done = run.Result;
        Assert.Null(done.Terminating);
        Assert.Empty(done.Errors);
        Assert.Equal(3, CopyRun.Journal(ws).Count(r => r.VerificationStatus == JournalRow.Verified));
    }
}
