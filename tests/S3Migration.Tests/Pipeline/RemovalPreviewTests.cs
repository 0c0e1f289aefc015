using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// Remove-MigrationSource -WhatIf inside the grace period: README's "what would be deleted" previews, with a warning
/// that the grace period has not passed, instead of refusing; without -WhatIf the cleanup still refuses.
/// </summary>
[Collection(S3Collection.Name)]
public class RemovalPreviewTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public RemovalPreviewTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private static readonly Dictionary<string, string> Files = new()
    {
        ["1_Ann/a.mp3"] = "audio of ann", ["1_Ann/b.pdf"] = "a pdf of ann!", ["2_Bo/c.mp4"] = "video of bo",
    };

    [Fact]
    public void WhatIf_inside_the_grace_period_previews_with_a_warning_and_deletes_nothing()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files, stem: "rmpreview");
        _s3.DeleteObjectAsync(w.BackupBucket, MigratedWorkspace.BackupPrefix + "2_Bo/c.mp4").GetAwaiter().GetResult();
        var preview = CopyRun.Pipe(_moto, "Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $endpoint -WhatIf", ("ws", w.Workspace));
        Assert.Null(preview.Terminating);
        Assert.Empty(preview.Errors);
        Assert.Contains(preview.Warnings, m => m.StartsWith("The 30-day grace period has not passed") && m.Contains("what would be deleted"));
        // The checks ran: the source without a verified backup is reported kept, as it would be once the period has passed.
        var kept = Assert.Single(preview.Objects<RemovalResult>());
        Assert.Equal(("2_Bo/c.mp4", RemovalStatus.Kept), (kept.SourceKey, kept.Status));
        foreach (var key in Files.Keys) Assert.True(w.Exists(key));
        Assert.False(File.Exists(DeletionJournal.PathIn(w.Workspace)));
        Assert.False(File.Exists(Path.Combine(w.Workspace, RemovalSummary.FileName)));

        // Without -WhatIf it still refuses, before anything is read.
        var refused = CopyRun.Pipe(_moto, "Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", w.Workspace));
        Assert.StartsWith("GracePeriodNotElapsed", refused.StoppingError?.FullyQualifiedErrorId);
        foreach (var key in Files.Keys) Assert.True(w.Exists(key));
    }

    [Fact]
    public void The_preview_inside_the_grace_period_offers_each_deletable_source_for_confirmation()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files, stem: "rmpreviewph");
        var offered = new List<string>();
        var run = w.Remove(new RemovalOptions { DryRun = true }, confirm: r => { offered.Add(r.SourceKey); return true; });
        Assert.Equal(Files.Keys.OrderBy(k => k), offered.OrderBy(k => k));
        Assert.Contains(run.Warnings, m => m.Contains("grace period has not passed"));
        Assert.Empty(run.Results);
        foreach (var key in Files.Keys) Assert.True(w.Exists(key));
    }
}
