using System.Reflection;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>SourceRemoval against a real S3 server (moto): what is deleted, what is kept and why, and what is recorded.</summary>
[Collection(S3Collection.Name)]
public class RemovalTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public RemovalTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private static readonly Dictionary<string, string> Files = new()
    {
        ["1_Ann/a.mp3"] = "audio of ann",
        ["1_Ann/b.pdf"] = "a pdf of ann!",
        ["2_Bo/c.mp4"] = "video of bo, longer",
        ["2_Bo/d.mp3"] = "audio of bo",
    };

    private static RemovalResult Of(RemovalRun run, string key) => run.Results.Single(r => r.SourceKey == key);

    [Fact]
    public void A_missing_backup_object_blocks_the_deletion_of_that_object_only()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files);
        _s3.DeleteObjectAsync(w.BackupBucket, MigratedWorkspace.BackupPrefix + "1_Ann/b.pdf").GetAwaiter().GetResult();

        var run = w.Remove();

        var kept = Of(run, "1_Ann/b.pdf");
        Assert.Equal(RemovalStatus.Kept, kept.Status);
        Assert.Contains("no verified backup", kept.Notes);
        Assert.Contains("does not exist", kept.Notes);
        Assert.True(w.Exists("1_Ann/b.pdf"));
        foreach (var key in new[] { "1_Ann/a.mp3", "2_Bo/c.mp4", "2_Bo/d.mp3" })
        {
            Assert.Equal(RemovalStatus.Deleted, Of(run, key).Status);
            Assert.False(w.Exists(key));
        }
        Assert.Equal((3, 1, 0), (run.Summary.ObjectsDeleted, run.Summary.ObjectsKept, run.Summary.ObjectsFailed));
    }

    [Fact]
    public void Only_verified_unchanged_backed_up_sources_are_deleted_and_the_logs_say_so()
    {
        using var dir = new TempDir();
        var files = new Dictionary<string, string>(Files) { ["3_Cy/e.mp3"] = "audio of cy", ["3_Cy/f.png"] = "image of cy" };
        var w = MigratedWorkspace.Build(_moto, _s3, dir, files);
        // A later failed attempt withdraws the verification of 3_Cy/e.mp3.
        var rows = CopyRun.Journal(w.Workspace);
        using (var j = MigrationJournal.Open(w.Workspace))
        {
            var e = rows.Single(r => r.OldPath.EndsWith("3_Cy/e.mp3"));
            j.Append(new JournalRow { RowId = e.RowId, PersonName = e.PersonName, OldPath = e.OldPath, NewPath = e.NewPath, FileType = e.FileType, Size = e.Size,
                Timestamp = DateTime.UtcNow, VerificationStatus = JournalRow.Failed, Error = "made up failure", Result = "Failed" });
        }
        // The source changed since the copy.
        w.Bucket.Put("2_Bo/d.mp3", "audio of bo, re-recorded");
        // The manifest's row for 3_Cy/f.png is a failed backup.
        w.Manifest.Single(m => m.SourceKey == "3_Cy/f.png").Status = BackupEntry.Failed;
        BackupManifest.Write(w.Workspace, w.Manifest);

        var run = w.Remove();

        Assert.Equal(RemovalStatus.Kept, Of(run, "3_Cy/e.mp3").Status);
        Assert.Contains("not verified", Of(run, "3_Cy/e.mp3").Notes);
        Assert.Equal(RemovalStatus.Kept, Of(run, "2_Bo/d.mp3").Status);
        Assert.Contains("the source changed since the copy", Of(run, "2_Bo/d.mp3").Notes);
        Assert.Equal(RemovalStatus.Kept, Of(run, "3_Cy/f.png").Status);
        Assert.Contains("no verified backup", Of(run, "3_Cy/f.png").Notes);
        foreach (var key in new[] { "3_Cy/e.mp3", "2_Bo/d.mp3", "3_Cy/f.png" }) Assert.True(w.Exists(key));
        foreach (var key in new[] { "1_Ann/a.mp3", "1_Ann/b.pdf", "2_Bo/c.mp4" })
        {
            Assert.Equal(RemovalStatus.Deleted, Of(run, key).Status);
            Assert.False(w.Exists(key));
        }
        // Destinations and backups are untouched.
        Assert.Equal(6, _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = w.BackupBucket }).GetAwaiter().GetResult().S3Objects.Count);
        Assert.True(CopyRun.Exists(_s3, w.Bucket.Name, Of(run, "1_Ann/a.mp3").TargetKey));

        // Reclaimed bytes per type are the deleted sources' sizes.
        var expected = new Dictionary<string, long> { ["audio"] = Files["1_Ann/a.mp3"].Length, ["documents"] = Files["1_Ann/b.pdf"].Length, ["video"] = Files["2_Bo/c.mp4"].Length };
        Assert.Equal(expected, run.Summary.BytesByType);
        var summary = w.Summary();
        Assert.Equal(new[] { "objects_deleted", "delete_markers", "objects_kept", "objects_failed", "bytes_reclaimed", "bytes_by_type", "listing_verified", "versioned", "started", "finished" },
            summary.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, summary.GetProperty("objects_deleted").GetInt32());
        Assert.Equal(3, summary.GetProperty("objects_kept").GetInt32());
        Assert.Equal(expected.Values.Sum(), summary.GetProperty("bytes_reclaimed").GetInt64());
        Assert.Equal(expected["video"], summary.GetProperty("bytes_by_type").GetProperty("video").GetInt64());
        Assert.True(summary.GetProperty("listing_verified").GetBoolean());
        Assert.False(summary.GetProperty("versioned").GetBoolean());

        var log = w.DeletionLog();
        Assert.Equal(6, log.Count);
        var a = log.Single(r => r["source_path"] == $"s3://{w.Bucket.Name}/1_Ann/a.mp3");
        Assert.Equal(("deleted", "audio", $"s3://{w.BackupBucket}/{MigratedWorkspace.BackupPrefix}1_Ann/a.mp3"), (a["status"], a["file_type"], a["backup_path"]));
        Assert.StartsWith($"s3://{w.Bucket.Name}/audio/", a["new_s3_path"]);
        Assert.NotEqual("", a["deleted_at"]);
        Assert.Equal(3, log.Count(r => r["status"] == "kept" && r["reason"].Length > 0 && r["deleted_at"] == ""));

        // A second run deletes nothing more and skips what the first one deleted.
        var again = w.Remove();
        Assert.DoesNotContain(again.Results, r => r.Status == RemovalStatus.Deleted);
        Assert.Contains(again.Verbose, v => v.StartsWith("3 sources were deleted by an earlier run"));
    }

    [Fact]
    public void A_source_whose_destination_was_tampered_with_is_kept_and_reported()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files);
        var target = CopyRun.Journal(w.Workspace).Single(r => r.OldPath.EndsWith("1_Ann/a.mp3")).NewPath;
        var (_, targetKey) = ExpectedCopy.SplitPath(target);
        w.Bucket.Put(targetKey, "tampered audio!"); // a different size and MD5
        var gone = ExpectedCopy.SplitPath(CopyRun.Journal(w.Workspace).Single(r => r.OldPath.EndsWith("2_Bo/c.mp4")).NewPath).Key;
        _s3.DeleteObjectAsync(w.Bucket.Name, gone).GetAwaiter().GetResult();

        var run = w.Remove();

        var a = Of(run, "1_Ann/a.mp3");
        Assert.Equal(RemovalStatus.Kept, a.Status);
        Assert.Contains($"the destination {target} is not identical", a.Notes);
        Assert.True(w.Exists("1_Ann/a.mp3"));
        var c = Of(run, "2_Bo/c.mp4");
        Assert.Equal(RemovalStatus.Kept, c.Status);
        Assert.Contains("missing", c.Notes);
        Assert.True(w.Exists("2_Bo/c.mp4"));
        Assert.Equal(RemovalStatus.Deleted, Of(run, "1_Ann/b.pdf").Status);
        Assert.Contains(w.DeletionLog(), r => r["source_path"].EndsWith("1_Ann/a.mp3") && r["status"] == "kept" && r["reason"].Contains(target));
    }

    [Fact]
    public void The_grace_period_counts_from_the_newest_copy_and_force_skips_only_it()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files);
        var ex = Assert.Throws<MigrationException>(() => w.Remove(new RemovalOptions()));
        Assert.Equal("GracePeriodNotElapsed", ex.ErrorId);
        Assert.Contains("-Force", ex.Message);
        Assert.False(File.Exists(DeletionJournal.PathIn(w.Workspace)));
        foreach (var key in Files.Keys) Assert.True(w.Exists(key));

        // Force skips the grace period, never the checks: the source with a missing backup stays.
        _s3.DeleteObjectAsync(w.BackupBucket, MigratedWorkspace.BackupPrefix + "2_Bo/d.mp3").GetAwaiter().GetResult();
        var forced = w.Remove(new RemovalOptions { Force = true, Only = new HashSet<string> { $"s3://{w.Bucket.Name}/2_Bo/d.mp3", $"s3://{w.Bucket.Name}/2_Bo/c.mp4" } });
        Assert.Equal(RemovalStatus.Kept, Of(forced, "2_Bo/d.mp3").Status);
        Assert.Equal(RemovalStatus.Deleted, Of(forced, "2_Bo/c.mp4").Status);
        Assert.Equal(2, forced.Results.Count);

        // 40 days later the default 30 days have passed.
        w.AgeJournal(TimeSpan.FromDays(40));
        var later = w.Remove(new RemovalOptions());
        Assert.Equal(2, later.Results.Count(r => r.Status == RemovalStatus.Deleted));
        Assert.True(w.Exists("2_Bo/d.mp3"));
    }

    [Fact]
    public void Without_a_manifest_it_stops_unless_the_backup_check_is_skipped()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files);
        File.Delete(BackupManifest.PathIn(w.Workspace));
        var ex = Assert.Throws<MigrationException>(() => w.Remove());
        Assert.Equal("BackupManifestNotFound", ex.ErrorId);
        Assert.Contains("Backup-MigrationSource", ex.Message);
        Assert.Contains("-SkipBackupCheck", ex.Message);
        foreach (var key in Files.Keys) Assert.True(w.Exists(key));

        // A source the operator declines at the prompt is kept.
        var run = w.Remove(new RemovalOptions { GracePeriodDays = 0, SkipBackupCheck = true }, confirm: r => r.SourceKey != "2_Bo/c.mp4");
        Assert.Equal(3, run.Summary.ObjectsDeleted);
        Assert.Equal((RemovalStatus.Kept, "not confirmed: the operator declined the deletion"), (Of(run, "2_Bo/c.mp4").Status, Of(run, "2_Bo/c.mp4").Notes));
        Assert.True(w.Exists("2_Bo/c.mp4"));
        Assert.Contains(run.Warnings, m => m.Contains("-SkipBackupCheck"));
    }

    [Fact]
    public void A_versioned_bucket_gets_delete_markers_by_default_and_loses_the_version_only_when_asked()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files, versioned: true, stem: "rmver");
        var run = w.Remove(new RemovalOptions { GracePeriodDays = 0, Only = new HashSet<string> { $"s3://{w.Bucket.Name}/1_Ann/a.mp3", $"s3://{w.Bucket.Name}/1_Ann/b.pdf" } });

        var a = Of(run, "1_Ann/a.mp3");
        Assert.Equal(RemovalStatus.DeleteMarker, a.Status);
        Assert.NotEqual("", a.VersionId);
        Assert.Equal(0, a.BytesReclaimed);
        Assert.False(w.Exists("1_Ann/a.mp3"));
        var versions = Versions(w, "1_Ann/a.mp3");
        Assert.Contains(versions, v => v.IsDeleteMarker == true && v.IsLatest == true);
        Assert.Contains(versions, v => v.VersionId == a.VersionId && v.IsDeleteMarker != true);
        Assert.True(run.Summary.Versioned);
        Assert.Equal((0, 2, 0L), (run.Summary.ObjectsDeleted, run.Summary.DeleteMarkers, run.Summary.BytesReclaimed));
        Assert.Contains(run.Warnings, m => m.Contains("NoncurrentVersionExpiration") && m.Contains("-PermanentlyDeleteVersion"));
        Assert.Contains(w.DeletionLog(), r => r["source_path"].EndsWith("1_Ann/a.mp3") && r["status"] == "delete_marker" && r["version_id"] == a.VersionId);
        Assert.True(w.Summary().GetProperty("versioned").GetBoolean());

        // -PermanentlyDeleteVersion removes exactly the checked version; an older version stays, and says so.
        var oldVersion = _s3.PutObjectAsync(new PutObjectRequest { BucketName = w.Bucket.Name, Key = "2_Bo/d.mp3", ContentBody = "an older take" }).GetAwaiter().GetResult().VersionId;
        w.Bucket.Put("2_Bo/d.mp3", Files["2_Bo/d.mp3"]); // the content the copy verified is the latest again (same ETag)
        var permanent = w.Remove(new RemovalOptions { GracePeriodDays = 0, PermanentlyDeleteVersion = true, Only = new HashSet<string> { $"s3://{w.Bucket.Name}/2_Bo/d.mp3" } });
        var d = Of(permanent, "2_Bo/d.mp3");
        Assert.Equal(RemovalStatus.Deleted, d.Status);
        Assert.Equal(Files["2_Bo/d.mp3"].Length, d.BytesReclaimed);
        Assert.Contains("left in place (not deleted)", d.Notes);
        var left = Versions(w, "2_Bo/d.mp3");
        Assert.DoesNotContain(left, v => v.VersionId == d.VersionId);
        Assert.Contains(left, v => v.VersionId == oldVersion);
        Assert.DoesNotContain(left, v => v.IsDeleteMarker == true);
    }

    [Fact]
    public void Deletes_go_in_batches_of_the_batch_size()
    {
        using var dir = new TempDir();
        var files = Enumerable.Range(0, 5).ToDictionary(i => $"{i + 1}_P{i}/f.mp3", i => new string('x', i + 1));
        var w = MigratedWorkspace.Build(_moto, _s3, dir, files, stem: "rmbatch");
        using var proxy = new LoopbackProxy(_moto.EndpointUrl);
        using var s3 = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey),
            new AmazonS3Config
            {
                ServiceURL = proxy.EndpointUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
                RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
            });
        var run = new SourceRemoval(s3, new RemovalOptions { GracePeriodDays = 0, BatchSize = 2 }).RunAsync(w.Workspace, _ => true, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(5, run.Summary.ObjectsDeleted);
        Assert.Equal(15, run.Summary.BytesReclaimed);
        Assert.Equal(3, proxy.ByKind.GetValueOrDefault("POST delete"));
    }

    [Fact]
    public void A_key_that_DeleteObjects_refuses_fails_alone_and_the_rest_are_deleted()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files, stem: "rmrefuse");
        var s3 = RefusingDeletes.Wrap(_s3, "1_Ann/b.pdf");
        var run = new SourceRemoval(s3, new RemovalOptions { GracePeriodDays = 0 }).RunAsync(w.Workspace, _ => true, CancellationToken.None).GetAwaiter().GetResult();

        var b = Of(run, "1_Ann/b.pdf");
        Assert.Equal(RemovalStatus.Failed, b.Status);
        Assert.Contains("AccessDenied", b.Notes);
        Assert.True(w.Exists("1_Ann/b.pdf"));
        Assert.Equal(3, run.Summary.ObjectsDeleted);
        Assert.Equal(1, run.Summary.ObjectsFailed);
        Assert.False(run.Summary.BytesByType.ContainsKey("documents"));
        Assert.True(run.Summary.ListingVerified); // every delete S3 accepted is gone
        Assert.Contains(w.DeletionLog(), r => r["source_path"].EndsWith("1_Ann/b.pdf") && r["status"] == "failed" && r["deleted_at"] == "");
    }

    [Fact]
    public void Intents_an_interrupted_run_left_on_a_versioned_bucket_are_settled_by_listing_versions()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files, versioned: true, stem: "rmintent");
        // What a run killed during its DeleteObjects leaves: intents for a.mp3 and b.pdf, and S3 had hidden a.mp3 already.
        var version = CopyRun.Head(_s3, w.Bucket.Name, "1_Ann/a.mp3").VersionId;
        using (var j = DeletionJournal.Open(w.Workspace))
            j.AppendIntents(new[]
            {
                new DeletionRow { SourcePath = $"s3://{w.Bucket.Name}/1_Ann/a.mp3", VersionId = version, FileType = "audio", Size = Files["1_Ann/a.mp3"].Length },
                new DeletionRow { SourcePath = $"s3://{w.Bucket.Name}/1_Ann/b.pdf", FileType = "documents", Size = Files["1_Ann/b.pdf"].Length },
            });
        _s3.DeleteObjectAsync(w.Bucket.Name, "1_Ann/a.mp3").GetAwaiter().GetResult();

        var run = w.Remove(new RemovalOptions { GracePeriodDays = 0, Only = new HashSet<string> { $"s3://{w.Bucket.Name}/1_Ann/a.mp3", $"s3://{w.Bucket.Name}/1_Ann/b.pdf" } });

        var a = Of(run, "1_Ann/a.mp3");
        Assert.Equal(RemovalStatus.DeleteMarker, a.Status);
        Assert.StartsWith("hidden behind a delete marker by a run that stopped", a.Notes);
        Assert.Equal(RemovalStatus.DeleteMarker, Of(run, "1_Ann/b.pdf").Status); // not deleted by the killed run: checked and deleted now
        var rows = DeletionJournal.Read(w.Workspace).Where(r => r.SourcePath.EndsWith("1_Ann/b.pdf")).Select(r => r.Status);
        Assert.Equal(new[] { DeletionRow.Deleting, DeletionRow.Kept, DeletionRow.Deleting, DeletionRow.DeleteMarker }, rows);
        Assert.Empty(DeletionJournal.Unsettled(DeletionJournal.Read(w.Workspace)));
        Assert.Equal(2, run.Summary.DeleteMarkers);
    }

    [Fact]
    public void WhatIf_settles_nothing_in_the_log_but_counts_an_interrupted_runs_deletion_as_done()
    {
        using var dir = new TempDir();
        var w = MigratedWorkspace.Build(_moto, _s3, dir, Files, stem: "rmintentwi");
        using (var j = DeletionJournal.Open(w.Workspace))
            j.AppendIntents(new[] { new DeletionRow { SourcePath = $"s3://{w.Bucket.Name}/2_Bo/c.mp4", FileType = "video", Size = Files["2_Bo/c.mp4"].Length } });
        _s3.DeleteObjectAsync(w.Bucket.Name, "2_Bo/c.mp4").GetAwaiter().GetResult();
        var before = File.ReadAllBytes(DeletionJournal.PathIn(w.Workspace));

        var run = w.Remove(new RemovalOptions { GracePeriodDays = 0, DryRun = true });

        Assert.True(before.SequenceEqual(File.ReadAllBytes(DeletionJournal.PathIn(w.Workspace))));
        Assert.DoesNotContain(run.Results, r => r.SourceKey == "2_Bo/c.mp4"); // settled in memory: gone, so not a candidate
        Assert.Contains(run.Verbose, v => v.StartsWith("Settled 1 deletions") && v.Contains("-WhatIf: not written"));
    }

    private List<S3ObjectVersion> Versions(MigratedWorkspace w, string key) =>
        _s3.ListVersionsAsync(new ListVersionsRequest { BucketName = w.Bucket.Name, Prefix = key }).GetAwaiter().GetResult().Versions.Where(v => v.Key == key).ToList();
}

/// <summary>An S3 client that forwards everything to moto, except that DeleteObjects refuses one key (AccessDenied), as S3 reports it.</summary>
public class RefusingDeletes : DispatchProxy
{
    private IAmazonS3 _inner = null!;
    private string _key = "";

    public static IAmazonS3 Wrap(IAmazonS3 inner, string refusedKey)
    {
        var proxy = Create<IAmazonS3, RefusingDeletes>();
        var self = (RefusingDeletes)(object)proxy;
        self._inner = inner; self._key = refusedKey;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == nameof(IAmazonS3.DeleteObjectsAsync) && args![0] is DeleteObjectsRequest request)
        {
            var refused = request.Objects.Where(o => o.Key == _key).ToList();
            request.Objects.RemoveAll(o => o.Key == _key);
            var response = _inner.DeleteObjectsAsync(request, (CancellationToken)args[1]!).GetAwaiter().GetResult();
            response.DeleteErrors ??= new List<DeleteError>();
            response.DeleteErrors.AddRange(refused.Select(o => new DeleteError { Key = o.Key, Code = "AccessDenied", Message = "Access Denied" }));
            // The SDK throws DeleteObjectsException, with the whole answer, when some keys were not deleted.
            return refused.Count > 0 ? Task.FromException<DeleteObjectsResponse>(new DeleteObjectsException(response)) : Task.FromResult(response);
        }
        try { return method.Invoke(_inner, args); }
        catch (TargetInvocationException ex) { throw ex.InnerException!; }
    }
}
