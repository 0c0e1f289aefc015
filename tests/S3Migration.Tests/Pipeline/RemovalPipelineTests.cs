using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>Remove-MigrationSource as operators run it: the grace period, -WhatIf, piped subsets, streams, the view.</summary>
[Collection(S3Collection.Name)]
public class RemovalPipelineTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public RemovalPipelineTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private static readonly Dictionary<string, string> Files = new()
    {
        ["1_Ann/a.mp3"] = "audio of ann", ["1_Ann/b.pdf"] = "a pdf of ann!", ["2_Bo/c.mp4"] = "video of bo",
    };

    [Fact]
    public void The_grace_period_stops_the_cmdlet_before_anything_is_read_and_force_overrides_it()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files, stem: "rmpgrace");
        var refused = CopyRun.Pipe(_moto, "Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", w.Workspace));
        var error = refused.StoppingError;
        Assert.NotNull(error);
        Assert.StartsWith("GracePeriodNotElapsed", error!.FullyQualifiedErrorId);
        Assert.Contains("30-day grace period", error.Exception.Message);
        Assert.Contains("-Force", error.Exception.Message);
        Assert.Empty(refused.Objects<RemovalResult>());
        foreach (var key in Files.Keys) Assert.True(w.Exists(key));
        Assert.False(File.Exists(DeletionJournal.PathIn(w.Workspace)));

        var forced = CopyRun.Pipe(_moto, "Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $endpoint -Force -Confirm:$false", ("ws", w.Workspace));
        Assert.Null(forced.Terminating);
        Assert.Equal(3, forced.Objects<RemovalResult>().Count(r => r.Status == RemovalStatus.Deleted));
        foreach (var key in Files.Keys) Assert.False(w.Exists(key));
    }

    [Fact]
    public void WhatIf_deletes_nothing_and_writes_no_deletion_log()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files, stem: "rmpwhatif");
        _s3.DeleteObjectAsync(w.BackupBucket, MigratedWorkspace.BackupPrefix + "2_Bo/c.mp4").GetAwaiter().GetResult();
        var run = CopyRun.Pipe(_moto, "Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $endpoint -GracePeriodDays 0 -WhatIf", ("ws", w.Workspace));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        foreach (var key in Files.Keys) Assert.True(w.Exists(key));
        Assert.False(File.Exists(DeletionJournal.PathIn(w.Workspace)));
        Assert.False(File.Exists(Path.Combine(w.Workspace, RemovalSummary.FileName)));
        // What the checks keep is still reported; what would be deleted, ShouldProcess said.
        var kept = Assert.Single(run.Objects<RemovalResult>());
        Assert.Equal(("2_Bo/c.mp4", RemovalStatus.Kept), (kept.SourceKey, kept.Status));
        Assert.Contains(run.Warnings, m => m.Contains("2_Bo/c.mp4") && m.Contains("no verified backup"));
    }

    [Fact]
    public void Integrity_results_piped_in_limit_the_set_and_streams_carry_kept_failed_and_the_summary()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files, stem: "rmppipe");
        w.Bucket.Put("1_Ann/b.pdf", "changed after the copy");
        var run = CopyRun.Pipe(_moto, """
            Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -SkipSourceCheck |
                Where-Object SourceKey -like '1_Ann/*' |
                Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $endpoint -GracePeriodDays 0 -Confirm:$false -Verbose
            """, ("ws", w.Workspace));
        Assert.Null(run.Terminating);
        var results = run.Objects<RemovalResult>().OrderBy(r => r.SourceKey).ToList();
        Assert.Equal(new[] { ("1_Ann/a.mp3", RemovalStatus.Deleted), ("1_Ann/b.pdf", RemovalStatus.Kept) }, results.Select(r => (r.SourceKey, r.Status)));
        Assert.True(w.Exists("2_Bo/c.mp4"));
        Assert.False(w.Exists("1_Ann/a.mp3"));
        Assert.Contains(run.Warnings, m => m.StartsWith($"Kept s3://{w.Bucket.Name}/1_Ann/b.pdf: the source changed since the copy"));
        Assert.Contains(run.Verbose, v => v.StartsWith("Done: 1 deleted, 0 delete markers, 1 kept, 0 failed") && v.Contains($"({Files["1_Ann/a.mp3"].Length} bytes)"));
        Assert.Contains(run.Progress, p => p.StatusDescription.StartsWith("Deleting: 1 of 1 sources"));
        var a = results[0];
        Assert.Equal(("audio", w.BackupBucket, MigratedWorkspace.BackupPrefix + "1_Ann/a.mp3"), (a.FileType, a.BackupBucket, a.BackupKey));
        Assert.StartsWith("audio/", a.TargetKey);

        // The default view (this engine has no Format-Table): the format file the manifest loads has a table for RemovalResult.
        var format = System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.Root, "bin", "S3Migration.Format.ps1xml"));
        var view = Assert.Single(format.Descendants("View"), v => (string?)v.Element("Name") == typeof(RemovalResult).FullName);
        // Key first, the only column without a width (so it is whole at 80 columns); TargetKey, BackupKey and Notes are in Format-List.
        Assert.Equal(new[] { "SourceKey", "Status", "FileType", "Size" }, view.Descendants("PropertyName").Select(p => p.Value));
        Assert.Single(view.Descendants("TableColumnHeader"), h => h.Element("Width") == null);
    }

    [Fact]
    public void A_missing_manifest_is_a_terminating_error_that_says_what_to_do()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files, stem: "rmpnoman");
        File.Delete(BackupManifest.PathIn(w.Workspace));
        var run = CopyRun.Pipe(_moto, "Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $endpoint -GracePeriodDays 0 -Confirm:$false", ("ws", w.Workspace));
        Assert.StartsWith("BackupManifestNotFound", run.StoppingError?.FullyQualifiedErrorId);
        Assert.Contains("Backup-MigrationSource", run.StoppingError!.Exception.Message);
        foreach (var key in Files.Keys) Assert.True(w.Exists(key));

        var skipped = CopyRun.Pipe(_moto, "Remove-MigrationSource -WorkspacePath $ws -EndpointUrl $endpoint -GracePeriodDays 0 -SkipBackupCheck -Confirm:$false", ("ws", w.Workspace));
        Assert.Null(skipped.Terminating);
        Assert.Equal(3, skipped.Objects<RemovalResult>().Count(r => r.Status == RemovalStatus.Deleted));
    }

    [Fact]
    public void It_is_a_high_impact_delete_with_whatif_and_a_batch_size_of_at_most_1000()
    {
        var run = CopyRun.Pipe(_moto, """
            $c = Get-Command Remove-MigrationSource
            $c.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact
            $c.Parameters.ContainsKey('WhatIf')
            $c.Parameters['WorkspacePath'].Attributes.Mandatory -contains $true
            try { Remove-MigrationSource -WorkspacePath x -BatchSize 1001 -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
            """);
        Assert.Equal("High", run.Output[0].ToString());
        Assert.Equal("True", run.Output[1].ToString());
        Assert.Equal("True", run.Output[2].ToString());
        Assert.StartsWith("ParameterArgumentValidationError", run.Output[3].ToString());
    }
}
