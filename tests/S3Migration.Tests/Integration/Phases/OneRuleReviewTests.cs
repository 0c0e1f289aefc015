using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// A review of the one rule for "verified" (CopyProof, VerificationRule, ContentHasher.VerifyAsync), the journal's
/// headers_digest and tag_count, and migration-id provenance, on moto: the copy paths (single and multipart), tagged
/// sources near S3's 10-tag limit, -NoMigrationTags, SSE-KMS and -Deep, preserved headers, an old 18-column journal
/// resumed and cleaned up, re-runs of every phase, and tampering the tag count alone cannot see.
/// </summary>
[Collection(S3Collection.Name)]
public class OneRuleReviewTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public OneRuleReviewTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private const string Inventory = "Get-MigrationInventory -Bucket $bucket -WorkspacePath $ws -EndpointUrl $endpoint";
    private const string Check = "Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint";

    /// <summary>An upload the way a person's client makes one: headers, user metadata and tags of its own.</summary>
    private void PutRich(TestBucket b, string key, string body, int tags, string contentType = "audio/mpeg")
    {
        var req = new PutObjectRequest { BucketName = b.Name, Key = key, ContentBody = body, ContentType = contentType };
        req.Headers.CacheControl = "max-age=600";
        req.Headers.ContentDisposition = "attachment; filename=\"talk.mp3\"";
        req.Headers["Content-Language"] = "de-CH";
        req.Metadata.Add("Origin", "person-upload");
        // What S3 returns for a non-ASCII value (RFC 2047): the copy must hand it on unchanged.
        req.Metadata.Add("title", "=?UTF-8?B?Q2Fmw6kg5pel5pys?=");
        if (tags > 0) req.TagSet = Enumerable.Range(1, tags).Select(i => new Tag { Key = $"k{i}", Value = $"v{i}" }).ToList();
        _s3.PutObjectAsync(req).GetAwaiter().GetResult();
    }

    private PipelineRun Copy(TestBucket b, string ws, string extra = "") =>
        CopyRun.Pipe(_moto, $"{Inventory} | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint {extra}", ("bucket", b.Name), ("ws", ws));

    /// <summary>The results for sources in person folders (a re-run also lists the copies, which are NotPlanned).</summary>
    private static List<MigrationResult> OfSources(PipelineRun run) =>
        run.Objects<MigrationResult>().Where(r => char.IsDigit(r.SourceKey[0])).ToList();

    private List<IntegrityResult> Integrity(string ws, string extra = "")
    {
        var run = CopyRun.Pipe(_moto, $"{Check} {extra}", ("ws", ws));
        Assert.Null(run.Terminating);
        return run.Objects<IntegrityResult>().ToList();
    }

    private static void AllVerified(IEnumerable<IntegrityResult> results, string when)
    {
        var list = results.ToList();
        Assert.NotEmpty(list);
        Assert.All(list, r => Assert.True(r.Status == IntegrityStatus.Verified, $"{when}: {r.SourceKey} -> {r.TargetKey}: {r.Status} {r.Reason}"));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Tagged_sources_near_the_ten_tag_limit_are_copied_with_a_tag_count_their_destination_carries_and_stay_verified_in_every_check(bool multipart, bool noMigrationTags)
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("tags"));
        var counts = new[] { 0, 1, 7, 8, 10 };
        foreach (var n in counts) PutRich(b, $"{n + 1}_T{n}/talk.mp3", $"audio with {n} tags", n);
        var extra = (multipart ? "-MultipartThreshold 1 " : "") + (noMigrationTags ? "-NoMigrationTags" : "");

        var copy = Copy(b, dir.Path, extra);
        Assert.Null(copy.Terminating);
        var results = copy.Objects<MigrationResult>().ToList();
        Assert.Equal(counts.Length, results.Count);
        Assert.All(results, r => Assert.True(r.Status == MigrationResultStatus.Verified, $"{r.SourceKey}: {r.Status} {r.Notes}"));
        if (multipart) Assert.All(results, r => Assert.Contains("-", r.DestinationETag));

        var id = MigrationState.Load(dir.Path).MigrationId;
        foreach (var row in CopyRun.Journal(dir.Path))
        {
            var source = ExpectedCopy.SplitPath(row.OldPath).Key;
            var target = ExpectedCopy.SplitPath(row.NewPath).Key;
            var sourceTags = CopyRun.Tags(_s3, b.Name, source);
            var tags = CopyRun.Tags(_s3, b.Name, target);
            // The journal says how many tags the destination carries, and the source's own tags all travelled.
            if (!noMigrationTags || multipart) Assert.NotNull(row.TagCount);
            Assert.True(row.TagCount == null || row.TagCount == tags.Count, $"{source}: tag_count {row.TagCount}, the destination carries {tags.Count}");
            Assert.All(sourceTags, t => Assert.Equal(t.Value, tags.GetValueOrDefault(t.Key)));
            if (noMigrationTags) Assert.Equal(sourceTags.Count, tags.Count);
            else if (sourceTags.Count <= 9) Assert.Equal(id, tags[MigrationTags.IdKey]); // provenance wherever there is room for it

            // Headers and metadata, exactly.
            var s = CopyRun.Head(_s3, b.Name, source);
            var d = CopyRun.Head(_s3, b.Name, target);
            Assert.Equal(s.Headers.ContentType, d.Headers.ContentType);
            Assert.Equal(s.Headers.CacheControl, d.Headers.CacheControl);
            Assert.Equal(s.Headers.ContentDisposition, d.Headers.ContentDisposition);
            Assert.Equal(s.Headers["Content-Language"], d.Headers["Content-Language"]);
            Assert.Equal(s.Metadata.Keys.OrderBy(k => k), d.Metadata.Keys.OrderBy(k => k));
            foreach (var k in s.Metadata.Keys) Assert.Equal(s.Metadata[k], d.Metadata[k]);
        }

        // A correct, untouched migration is all Verified in every mode, and after a re-run of the copy.
        AllVerified(Integrity(dir.Path), "journal");
        AllVerified(Integrity(dir.Path, "-Deep"), "-Deep");
        var piped = CopyRun.Pipe(_moto, $"{Inventory} | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint {extra} | Test-MigrationIntegrity -Deep -EndpointUrl $endpoint",
            ("bucket", b.Name), ("ws", dir.Path));
        Assert.Null(piped.Terminating);
        AllVerified(piped.Objects<IntegrityResult>(), "re-run piped");
        AllVerified(Integrity(dir.Path), "after the re-run");
    }

    private const string BackupAndRemove = """
        $null = Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backup -StorageClass GLACIER_IR -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop
        Remove-MigrationSource -WorkspacePath $ws -GracePeriodDays 0 -Confirm:$false -SkipCsvCheck -WarningAction SilentlyContinue -EndpointUrl $endpoint
        """;

    [Fact]
    public void After_the_cleanup_a_deep_check_still_verifies_kms_and_multipart_copies_it_can_no_longer_read_the_source_of()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("deep"));
        var backup = new TestBucket(_s3, TestBucket.UniqueName("deep-bak"));
        b.Put("1_Ann/a.mp3", "plain audio");
        _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = b.Name, Key = "2_Bo/k.pdf", ContentBody = "a pdf encrypted with a KMS key", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        }).GetAwaiter().GetResult();
        b.PutMultipart("3_Cy/m.mp4", TestBucket.RandomBytes(6 * 1024 * 1024, seed: 11));

        var copy = Copy(b, dir.Path);
        Assert.Null(copy.Terminating);
        Assert.All(copy.Objects<MigrationResult>(), r => Assert.True(r.Status == MigrationResultStatus.Verified, $"{r.SourceKey}: {r.Status} {r.Notes}"));
        // The copy read the KMS source to prove it (its ETag is no MD5): the journal keeps that MD5.
        Assert.Equal(TestBucket.Md5("a pdf encrypted with a KMS key"u8.ToArray()), CopyRun.Journal(dir.Path).Single(r => r.OldPath.EndsWith("2_Bo/k.pdf")).Md5);
        AllVerified(Integrity(dir.Path), "before the cleanup");
        AllVerified(Integrity(dir.Path, "-Deep"), "-Deep before the cleanup");

        var removal = CopyRun.Pipe(_moto, BackupAndRemove, ("bucket", b.Name), ("backup", backup.Name), ("ws", dir.Path));
        Assert.True(removal.Terminating == null, removal.Terminating?.Message);
        Assert.All(removal.Objects<RemovalResult>(), r => Assert.True(r.Status == RemovalStatus.Deleted, $"{r.SourceKey}: {r.Status} {r.Notes}"));
        Assert.False(CopyRun.Exists(_s3, b.Name, "2_Bo/k.pdf"));

        AllVerified(Integrity(dir.Path, "-SkipSourceCheck"), "after the cleanup");
        // The copy read (or proved) every content once; -Deep after the cleanup must not call a good copy a mismatch
        // because the source it would read again is gone on purpose.
        AllVerified(Integrity(dir.Path, "-Deep -SkipSourceCheck"), "-Deep after the cleanup");
    }

    /// <summary>Rewrites the workspace's journal as the first version wrote it: the 18 columns before headers_digest and tag_count.</summary>
    private static void MakeFirstVersionJournal(string ws)
    {
        var rows = CopyRun.Journal(ws);
        static string Quote(string f) => f.IndexOfAny(new[] { ',', '"', '\r', '\n' }) >= 0 ? "\"" + f.Replace("\"", "\"\"") + "\"" : f;
        var lines = new List<string> { string.Join(",", JournalRow.Columns.Take(18)) };
        lines.AddRange(rows.Select(r => string.Join(",", r.ToFields().Take(18).Select(Quote))));
        File.WriteAllText(Path.Combine(ws, MigrationJournal.FileName), string.Join("\n", lines) + "\n");
    }

    private static List<string> JournalLines(string ws) => File.ReadAllLines(Path.Combine(ws, MigrationJournal.FileName)).ToList();

    /// <summary>An 18-column journal, resumed with one more file: every row keeps the journal's own shape.</summary>
    private (TestBucket Bucket, TempDir Dir) ResumedFirstVersionJournal(string stem)
    {
        var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName(stem));
        PutRich(b, "1_Ann/a.mp3", "ann audio", tags: 1);
        b.PutMultipart("2_Bo/m.mp4", TestBucket.RandomBytes(6 * 1024 * 1024, seed: 12));
        var first = Copy(b, dir.Path);
        Assert.Null(first.Terminating);
        Assert.All(first.Objects<MigrationResult>(), r => Assert.Equal(MigrationResultStatus.Verified, r.Status));
        MakeFirstVersionJournal(dir.Path);

        PutRich(b, "3_Cy/c.pdf", "cy's pdf", tags: 2, contentType: "application/pdf");
        var resumed = Copy(b, dir.Path);
        Assert.Null(resumed.Terminating);
        Assert.Empty(resumed.Errors);
        var results = OfSources(resumed);
        Assert.Equal(3, results.Count);
        Assert.Equal(MigrationResultStatus.Verified, results.Single(r => r.SourceKey == "3_Cy/c.pdf").Status);
        Assert.All(results.Where(r => r.SourceKey != "3_Cy/c.pdf"), r => Assert.Equal(MigrationResultStatus.Skipped, r.Status));

        var lines = JournalLines(dir.Path);
        Assert.Equal(string.Join(",", JournalRow.Columns.Take(18)), lines[0]);
        using (var stream = File.OpenRead(Path.Combine(dir.Path, MigrationJournal.FileName)))
        {
            var rows = new List<JournalRow>();
            JournalReader.Read(stream, rows.Add, out var width);
            Assert.Equal(18, width);
            Assert.Contains(rows, r => r.OldPath.EndsWith("3_Cy/c.pdf") && r.VerificationStatus == JournalRow.Verified);
        }
        return (b, dir);
    }

    [Fact]
    public void An_old_18_column_journal_resumed_is_verified_by_every_check_and_cleaned_up()
    {
        var (b, dir) = ResumedFirstVersionJournal("old18");
        using var _ = dir;
        AllVerified(Integrity(dir.Path), "old journal");
        AllVerified(Integrity(dir.Path, "-Deep"), "old journal, -Deep");

        var backup = new TestBucket(_s3, TestBucket.UniqueName("old18-bak"));
        var removal = CopyRun.Pipe(_moto, BackupAndRemove, ("bucket", b.Name), ("backup", backup.Name), ("ws", dir.Path));
        Assert.True(removal.Terminating == null, removal.Terminating?.Message);
        var removed = removal.Objects<RemovalResult>().ToList();
        Assert.Equal(3, removed.Count);
        Assert.All(removed, r => Assert.True(r.Status == RemovalStatus.Deleted, $"{r.SourceKey}: {r.Status} {r.Notes}"));
        AllVerified(Integrity(dir.Path, "-SkipSourceCheck"), "old journal after the cleanup");
    }

    [Fact]
    public void An_old_18_column_journal_resumed_is_undone_whole()
    {
        var (b, dir) = ResumedFirstVersionJournal("old18u");
        using var _ = dir;
        var undo = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", dir.Path));
        Assert.True(undo.Terminating == null, undo.Terminating?.Message);
        foreach (var key in new[] { "audio/1_Ann_a.mp3", "video/2_Bo_m.mp4", "documents/3_Cy_c.pdf" })
            Assert.False(CopyRun.Exists(_s3, b.Name, key), key + " was made by the migration and must be undone");
        foreach (var key in new[] { "1_Ann/a.mp3", "2_Bo/m.mp4", "3_Cy/c.pdf" }) Assert.True(CopyRun.Exists(_s3, b.Name, key), key);
    }

    [Fact]
    public void A_destination_whose_tags_were_replaced_by_as_many_other_tags_is_not_verified_and_its_source_is_kept()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("retag"));
        var backup = new TestBucket(_s3, TestBucket.UniqueName("retag-bak"));
        PutRich(b, "1_Ann/a.mp3", "ann audio", tags: 2);
        PutRich(b, "2_Bo/b.mp3", "bo audio", tags: 2);
        Assert.Null(Copy(b, dir.Path).Terminating);
        var row = CopyRun.Journal(dir.Path).Single(r => r.OldPath.EndsWith("1_Ann/a.mp3"));
        Assert.Equal(5, row.TagCount);

        // Someone replaces the five tags (the person's own and the migration's, migration-id among them) with five others.
        _s3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = b.Name, Key = "audio/1_Ann_a.mp3",
            Tagging = new Tagging { TagSet = Enumerable.Range(1, 5).Select(i => new Tag { Key = $"other{i}", Value = "x" }).ToList() },
        }).GetAwaiter().GetResult();
        Assert.Equal(5, CopyRun.Tags(_s3, b.Name, "audio/1_Ann_a.mp3").Count);

        // Their number is unchanged, so neither the daily check's listing nor a HEAD can see it; -Deep reads the tags, as the cleanup does.
        Assert.Equal(IntegrityStatus.Verified, Integrity(dir.Path).Single(r => r.SourceKey == "1_Ann/a.mp3").Status);
        var check = Integrity(dir.Path, "-Deep");
        Assert.Equal(IntegrityStatus.Verified, check.Single(r => r.SourceKey == "2_Bo/b.mp3").Status);
        var retagged = check.Single(r => r.SourceKey == "1_Ann/a.mp3");
        Assert.True(retagged.Status == IntegrityStatus.Mismatch, $"tags replaced: {retagged.Status} {retagged.Reason}");
        var removal = CopyRun.Pipe(_moto, BackupAndRemove, ("bucket", b.Name), ("backup", backup.Name), ("ws", dir.Path));
        Assert.Equal(RemovalStatus.Kept, removal.Objects<RemovalResult>().Single(r => r.SourceKey == "1_Ann/a.mp3").Status);
        Assert.True(CopyRun.Exists(_s3, b.Name, "1_Ann/a.mp3"));
    }

    [Fact]
    public void A_re_run_inventory_plans_nothing_and_a_re_run_backup_fails_nothing_after_a_migration()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("rerun"));
        var backup = new TestBucket(_s3, TestBucket.UniqueName("rerun-bak"));
        PutRich(b, "1_Ann/a.mp3", "ann audio", tags: 3);
        b.PutMultipart("2_Bo/m.mp4", TestBucket.RandomBytes(6 * 1024 * 1024, seed: 13));
        _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = b.Name, Key = "3_Cy/k.pdf", ContentBody = "kms pdf", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        }).GetAwaiter().GetResult();
        PutRich(b, "4_Di/t.mp3", "copied in parts", tags: 0);
        Assert.Null(Copy(b, dir.Path, "-MultipartThreshold 10").Terminating);
        Assert.All(CopyRun.Journal(dir.Path), r => Assert.Equal(JournalRow.Verified, r.VerificationStatus));
        var rows = CopyRun.Journal(dir.Path).Count;

        var inventory = CopyRun.Pipe(_moto, Inventory, ("bucket", b.Name), ("ws", dir.Path));
        Assert.Null(inventory.Terminating);
        var items = inventory.Objects<MigrationItem>().Where(i => char.IsDigit(i.SourceKey[0])).ToList();
        Assert.Equal(4, items.Count);
        Assert.All(items, i => Assert.True(i.Status == MigrationItemStatus.Skipped, $"{i.SourceKey}: {i.Status} {i.Notes}"));

        var again = CopyRun.Pipe(_moto, $"{Inventory} | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -MultipartThreshold 10", ("bucket", b.Name), ("ws", dir.Path));
        Assert.Equal(4, OfSources(again).Count);
        Assert.All(OfSources(again), r => Assert.True(r.Status == MigrationResultStatus.Skipped, $"{r.SourceKey}: {r.Status} {r.Notes}"));
        Assert.Equal(rows, CopyRun.Journal(dir.Path).Count);

        const string Backup = "Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backup -StorageClass GLACIER_IR -WorkspacePath $ws -EndpointUrl $endpoint";
        foreach (var run in new[] { 1, 2 })
        {
            var r = CopyRun.Pipe(_moto, Backup, ("bucket", b.Name), ("backup", backup.Name), ("ws", dir.Path));
            Assert.True(r.Terminating == null, r.Terminating?.Message);
            Assert.Empty(r.Errors);
            var results = r.Objects<BackupResult>().ToList();
            Assert.Equal(8, results.Count); // the four sources and their four copies
            Assert.All(results, x => Assert.True(x.Status == (run == 1 ? BackupResultStatus.Verified : BackupResultStatus.Skipped), $"backup run {run}: {x.SourceKey} {x.Status} {x.Notes}"));
        }
        Assert.All(BackupManifest.Read(dir.Path)!, e => Assert.True(e.IsVerified, e.SourceKey));
        AllVerified(Integrity(dir.Path), "after the re-runs");
        AllVerified(Integrity(dir.Path, "-Deep"), "-Deep after the re-runs");
    }

    [Fact]
    public void A_copy_of_a_source_with_eight_tags_made_by_a_killed_run_is_still_the_migrations_own()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("eight"));
        PutRich(b, "1_Ann/a.mp3", "eight tags", tags: 8);
        PutRich(b, "2_Bo/b.mp3", "nine tags", tags: 9);
        Assert.Null(Copy(b, dir.Path).Terminating);
        // Killed before any row reached the journal.
        var journal = Path.Combine(dir.Path, MigrationJournal.FileName);
        File.WriteAllLines(journal, File.ReadAllLines(journal).Take(1));

        var resumed = Copy(b, dir.Path);
        Assert.Null(resumed.Terminating);
        Assert.Equal(2, OfSources(resumed).Count);
        Assert.All(OfSources(resumed), r =>
            Assert.True(r.Status == MigrationResultStatus.Verified && r.Notes.Contains(JournalRow.MadeEarlierNote), $"{r.SourceKey}: {r.Status} {r.Notes}"));
        var undo = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", dir.Path));
        Assert.Null(undo.Terminating);
        Assert.False(CopyRun.Exists(_s3, b.Name, "audio/1_Ann_a.mp3"));
        Assert.False(CopyRun.Exists(_s3, b.Name, "audio/2_Bo_b.mp3"));
    }

    /// <summary>Rewrites an object's headers in place (a copy onto itself with REPLACE): same bytes, so the same ETag and size.</summary>
    private void RewriteMetadata(string bucket, string key, string contentType, string owner)
    {
        var before = CopyRun.Head(_s3, bucket, key).ETag;
        var request = new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = key, DestinationBucket = bucket, DestinationKey = key,
            MetadataDirective = S3MetadataDirective.REPLACE, ContentType = contentType, TaggingDirective = TaggingDirective.COPY,
        };
        request.Metadata.Add("owner", owner);
        _s3.CopyObjectAsync(request).GetAwaiter().GetResult();
        Assert.Equal(before, CopyRun.Head(_s3, bucket, key).ETag); // what the size-and-ETag checks see: nothing changed
    }

    [Fact]
    public void A_source_whose_headers_changed_after_its_copy_is_not_skipped_as_verified_by_a_re_run()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("srchdr"));
        PutRich(b, "1_Ann/a.mp3", "ann audio", tags: 0);
        PutRich(b, "2_Bo/b.mp3", "bo audio", tags: 0);
        Assert.Null(Copy(b, dir.Path).Terminating);

        // The person's application corrects the source's Content-Type and metadata, bytes unchanged.
        RewriteMetadata(b.Name, "1_Ann/a.mp3", "audio/mp4", "ann");
        var again = OfSources(Copy(b, dir.Path));
        Assert.Equal(MigrationResultStatus.Skipped, again.Single(r => r.SourceKey == "2_Bo/b.mp3").Status);
        var changed = again.Single(r => r.SourceKey == "1_Ann/a.mp3");
        // The copy holds the old headers: the re-run must say so, not confirm it as verified by the earlier run.
        Assert.True(changed.Status == MigrationResultStatus.Conflict, $"{changed.Status} {changed.Notes}");
        Assert.Contains("Content-Type 'audio/mpeg' (source 'audio/mp4')", changed.Notes);
        Assert.Equal("audio/mpeg", CopyRun.Head(_s3, b.Name, "audio/1_Ann_a.mp3").Headers.ContentType); // not overwritten without -Force
    }

    [Fact]
    public void The_cleanup_keeps_a_source_whose_headers_changed_after_its_copy()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("rmhdr"));
        var backup = new TestBucket(_s3, TestBucket.UniqueName("rmhdr-bak"));
        PutRich(b, "1_Ann/a.mp3", "ann audio", tags: 0);
        PutRich(b, "2_Bo/b.mp3", "bo audio", tags: 0);
        Assert.Null(Copy(b, dir.Path).Terminating);
        Assert.Null(CopyRun.Pipe(_moto, "Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backup -StorageClass GLACIER_IR -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop",
            ("bucket", b.Name), ("backup", backup.Name), ("ws", dir.Path)).Terminating);

        // Changed after the copy and the backup: deleting it now loses its new Content-Type and metadata.
        RewriteMetadata(b.Name, "1_Ann/a.mp3", "audio/mp4", "ann");
        var removal = CopyRun.Pipe(_moto, "Remove-MigrationSource -WorkspacePath $ws -GracePeriodDays 0 -Confirm:$false -SkipCsvCheck -WarningAction SilentlyContinue -EndpointUrl $endpoint", ("ws", dir.Path));
        Assert.True(removal.Terminating == null, removal.Terminating?.Message);
        var results = removal.Objects<RemovalResult>().ToList();
        Assert.Equal(RemovalStatus.Deleted, results.Single(r => r.SourceKey == "2_Bo/b.mp3").Status);
        var kept = results.Single(r => r.SourceKey == "1_Ann/a.mp3");
        Assert.True(kept.Status == RemovalStatus.Kept, $"{kept.Status} {kept.Notes}");
        Assert.Equal("ann", CopyRun.Head(_s3, b.Name, "1_Ann/a.mp3").Metadata["owner"]);
    }

    /// <summary>
    /// An endpoint whose HEAD answers never carry x-amz-tagging-count: S3 itself to a caller who may not read tags
    /// ("the number of tags, when you have the relevant permission to read object tags"), and S3-compatible servers that
    /// do not send it on a HEAD.
    /// </summary>
    private sealed class NoTagCountProxy : LoopbackListener
    {
        public NoTagCountProxy(string target) : base(target) { }

        protected override async Task HandleAsync(System.Net.HttpListenerContext ctx, string kind)
        {
            var body = await ReadBodyAsync(ctx.Request);
            using var response = await SendUpstreamAsync(ctx.Request, body);
            response.Headers.Remove("x-amz-tagging-count");
            await RelayAsync(ctx, response);
        }
    }

    [Fact]
    public void Where_a_HEAD_does_not_say_how_many_tags_an_object_has_the_copies_still_verify_and_removed_tags_are_still_caught()
    {
        using var dir = new TempDir();
        using var proxy = new NoTagCountProxy(_moto.EndpointUrl);
        var b = new TestBucket(_s3, TestBucket.UniqueName("notagcount"));
        PutRich(b, "1_Ann/a.mp3", "ann audio", tags: 2);
        PutRich(b, "2_Bo/b.mp3", "bo audio", tags: 0);
        b.PutMultipart("3_Cy/m.mp4", TestBucket.RandomBytes(6 * 1024 * 1024, seed: 14));

        var copy = CopyRun.Pipe(_moto, $"{Inventory} | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint", ("bucket", b.Name), ("ws", dir.Path), ("endpoint", proxy.EndpointUrl));
        Assert.Null(copy.Terminating);
        var results = OfSources(copy);
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.True(r.Status == MigrationResultStatus.Verified, $"{r.SourceKey}: {r.Status} {r.Notes}"));
        Assert.Equal(5, CopyRun.Tags(_s3, b.Name, "audio/1_Ann_a.mp3").Count);

        // -Verify Head: tags are in no listing, so only a check that HEADs every copy counts them.
        List<IntegrityResult> CheckThrough() =>
            CopyRun.Pipe(_moto, Check + " -Verify Head", ("ws", dir.Path), ("endpoint", proxy.EndpointUrl)).Objects<IntegrityResult>().ToList();
        AllVerified(CheckThrough(), "through an endpoint without x-amz-tagging-count");

        _s3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = b.Name, Key = "audio/2_Bo_b.mp3" }).GetAwaiter().GetResult();
        var untagged = CheckThrough().Single(r => r.SourceKey == "2_Bo/b.mp3");
        Assert.Equal(IntegrityStatus.Mismatch, untagged.Status);
        Assert.Contains("tags", untagged.Reason);
    }

    [Fact]
    public void A_gzip_encoded_source_is_copied_hashed_and_checked_as_its_stored_bytes()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("gzip"));
        using var gz = new MemoryStream();
        using (var z = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            z.Write(System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a transcript line\n", 500))));
        var bytes = gz.ToArray();
        var put = new PutObjectRequest { BucketName = b.Name, Key = "1_Ann/t.vtt", InputStream = new MemoryStream(bytes), ContentType = "text/vtt" };
        put.Headers.ContentEncoding = "gzip";
        _s3.PutObjectAsync(put).GetAwaiter().GetResult();
        Assert.Equal("gzip", CopyRun.Head(_s3, b.Name, "1_Ann/t.vtt").Headers.ContentEncoding);

        // In parts, so the copy and -Deep read and hash the content: the stored bytes, never a decompressed body.
        var copy = Copy(b, dir.Path, "-MultipartThreshold 1");
        var r = Assert.Single(OfSources(copy));
        Assert.True(r.Status == MigrationResultStatus.Verified, $"{r.Status} {r.Notes}");
        var head = CopyRun.Head(_s3, b.Name, "transcripts/1_Ann_t.vtt");
        Assert.Equal("gzip", head.Headers.ContentEncoding);
        Assert.Equal(bytes.Length, head.ContentLength);
        AllVerified(Integrity(dir.Path, "-Deep"), "-Deep of a gzip-encoded copy");
    }

    [Fact]
    public void Kms_encrypted_copies_in_parts_of_tagged_and_multipart_sources_are_verified_in_every_mode()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("kmsparts"));
        PutRich(b, "1_Ann/a.mp3", "ann audio", tags: 4);
        var body = TestBucket.RandomBytes(6 * 1024 * 1024, seed: 15);
        b.PutMultipart("2_Bo/m.mp4", body);
        var copy = Copy(b, dir.Path, "-MultipartThreshold 1 -ServerSideEncryption aws:kms");
        Assert.Null(copy.Terminating);
        Assert.All(OfSources(copy), r => Assert.True(r.Status == MigrationResultStatus.Verified && r.VerifiedBy == "content", $"{r.SourceKey}: {r.Status} {r.VerifiedBy} {r.Notes}"));
        var rows = CopyRun.Journal(dir.Path);
        Assert.Equal(7, rows.Single(r => r.OldPath.EndsWith("1_Ann/a.mp3")).TagCount);
        // Both contents were read to prove the copy: the multipart source's MD5 is journaled for checks after the cleanup.
        Assert.Equal(TestBucket.Md5(body), rows.Single(r => r.OldPath.EndsWith("2_Bo/m.mp4")).Md5);
        AllVerified(Integrity(dir.Path), "KMS copies");
        AllVerified(Integrity(dir.Path, "-Deep"), "KMS copies, -Deep");
        AllVerified(Integrity(dir.Path, "-Deep -SkipSourceCheck"), "KMS copies, -Deep without sources");
    }
}
