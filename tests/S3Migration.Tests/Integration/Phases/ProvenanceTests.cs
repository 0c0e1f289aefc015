using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// Issue 10, item 6: a copy made by a run that was killed before it journaled the copy is still the migration's own.
/// Every copy carries the workspace's migration-id tag; a resumed run that finds such a copy in place journals it as
/// made by the migration, so Undo-Migration removes it, while identical content that was there before is still kept.
/// </summary>
[Collection(S3Collection.Name)]
public class ProvenanceTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public ProvenanceTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    [Fact]
    public void Copies_a_killed_run_never_journaled_are_recognised_on_resume_and_undone()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("prov"));
        for (var i = 0; i < 12; i++) b.Put($"{i + 1}_P{i + 1}/f.mp3", $"person {i + 1}");
        // Identical content that was in the new layout before the migration: not the migration's, so kept by the undo.
        b.Put("audio/12_P12_f.mp3", "person 12");
        const string copy = "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint";
        var first = CopyRun.Pipe(_moto, copy, ("bucket", b.Name), ("ws", dir.Path));
        Assert.Null(first.Terminating);
        var id = MigrationState.Load(dir.Path).MigrationId;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, CopyRun.Tags(_s3, b.Name, "audio/1_P1_f.mp3")[MigrationTags.IdKey]);

        // A kill -9 after the copies but before their rows reached the journal: only the header and 3 rows survive.
        var journal = Path.Combine(dir.Path, MigrationJournal.FileName);
        File.WriteAllLines(journal, File.ReadAllLines(journal).Take(4));
        var stillJournaled = CopyRun.Journal(dir.Path).Count(r => r.Result == nameof(MigrationResultStatus.Verified));

        var resumed = CopyRun.Pipe(_moto, copy, ("bucket", b.Name), ("ws", dir.Path));
        Assert.Null(resumed.Terminating);
        var results = resumed.Objects<MigrationResult>();
        var madeEarlier = results.Where(r => r.Notes.Contains(JournalRow.MadeEarlierNote)).ToList();
        Assert.Equal(11 - stillJournaled, madeEarlier.Count); // 11 copies of the migration, some still journaled
        Assert.True(madeEarlier.Count >= 8);
        Assert.All(madeEarlier, r => Assert.Equal(MigrationResultStatus.Verified, r.Status));
        Assert.Equal(MigrationResultStatus.Skipped, results.Single(r => r.SourceKey == "12_P12/f.mp3").Status);

        var undo = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", dir.Path));
        Assert.Null(undo.Terminating);
        var left = _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = b.Name, Prefix = "audio/" }).GetAwaiter().GetResult().S3Objects ?? new List<S3Object>();
        Assert.Equal(new[] { "audio/12_P12_f.mp3" }, left.Select(o => o.Key).ToArray());
        for (var i = 0; i < 12; i++) Assert.True(CopyRun.Exists(_s3, b.Name, $"{i + 1}_P{i + 1}/f.mp3"), "sources are never touched");
    }
}
