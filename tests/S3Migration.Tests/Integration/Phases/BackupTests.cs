using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>Backup-MigrationSource against moto: cold classes, verification by listing, resume, tampering, lifecycle, -WhatIf.</summary>
[Collection(S3Collection.Name)]
public class BackupTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public BackupTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private const string Backup = "Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backup -WorkspacePath $ws -EndpointUrl $endpoint";

    private (TestBucket Source, TestBucket Target) Buckets(string stem)
    {
        var source = new TestBucket(_s3, TestBucket.UniqueName(stem));
        source.Put("1_Ann/a.mp3", "ann audio", contentType: "audio/mpeg");
        source.Put("1_Ann/cv.pdf", "ann cv");
        source.Put("2_Bo/clip.mp4", "bo video");
        return (source, new TestBucket(_s3, TestBucket.UniqueName(stem + "-bak")));
    }

    [Fact]
    public void A_GLACIER_backup_is_verified_by_listing_and_the_manifest_summary_and_restore_guide_say_what_was_done()
    {
        using var dir = new TempDir();
        var (src, bak) = Buckets("glacier");
        var big = TestBucket.RandomBytes(11 * 1024 * 1024, seed: 7);
        src.PutMultipart("2_Bo/long.mp4", big);
        var run = CopyRun.Pipe(_moto, Backup + " -StorageClass GLACIER", ("bucket", src.Name), ("backup", bak.Name), ("ws", dir.Path));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var results = run.Objects<BackupResult>().ToList();
        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.Equal(BackupResultStatus.Verified, r.Status));

        // Keys kept, storage class GLACIER, and the multipart source's ETag (its part layout) survives.
        foreach (var key in new[] { "1_Ann/a.mp3", "1_Ann/cv.pdf", "2_Bo/clip.mp4", "2_Bo/long.mp4" })
        {
            var head = CopyRun.Head(_s3, bak.Name, key);
            Assert.Equal("GLACIER", head.StorageClass?.Value);
            Assert.Equal(CopyRun.Head(_s3, src.Name, key).ETag, head.ETag);
        }
        Assert.Equal("audio/mpeg", CopyRun.Head(_s3, bak.Name, "1_Ann/a.mp3").Headers.ContentType);

        var manifest = BackupManifest.Read(dir.Path)!;
        Assert.Equal(4, manifest.Count);
        Assert.All(manifest, e => Assert.True(e.IsVerified && e.StorageClass == "GLACIER" && e.BackupKey == e.SourceKey, $"{e.SourceKey}: {e.Status} {e.Notes}"));

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "backup_summary.json")));
        var s = summary.RootElement;
        var bytes = 9 + 6 + 8 + big.Length;
        Assert.Equal((4, (long)bytes, 4, (long)bytes, 4, 0, true),
            (s.GetProperty("source_objects").GetInt32(), s.GetProperty("source_bytes").GetInt64(), s.GetProperty("backed_up_objects").GetInt32(),
             s.GetProperty("backed_up_bytes").GetInt64(), s.GetProperty("verified").GetInt32(), s.GetProperty("failed").GetInt32(), s.GetProperty("complete").GetBoolean()));
        Assert.Equal("GLACIER", s.GetProperty("storage_class").GetString());

        var restore = File.ReadAllText(Path.Combine(dir.Path, "RESTORE.md"));
        Assert.Contains($"s3://{bak.Name}", restore);
        Assert.Contains("GLACIER", restore);
        Assert.Contains("restore-object", restore);
        Assert.Contains("1_Ann/a.mp3", restore);
        Assert.DoesNotContain("testing", restore); // no credential of the session
    }

    [Fact]
    public void A_second_run_copies_nothing_and_a_tampered_backup_is_reported_not_overwritten()
    {
        using var dir = new TempDir();
        var (src, bak) = Buckets("rerun");
        var first = CopyRun.Pipe(_moto, Backup, ("bucket", src.Name), ("backup", bak.Name), ("ws", dir.Path));
        Assert.Empty(first.Errors);

        using var proxy = new LoopbackProxy(_moto.EndpointUrl);
        var again = CopyRun.Pipe(_moto, Backup.Replace("$endpoint", "$proxy"), ("bucket", src.Name), ("backup", bak.Name), ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
        Assert.Empty(again.Errors);
        Assert.All(again.Objects<BackupResult>(), r => Assert.Equal(BackupResultStatus.Skipped, r.Status));
        Assert.DoesNotContain(proxy.ByKind.Keys, k => k.StartsWith("PUT")); // no copy, no upload: the journal knew them all
        Assert.True(proxy.ByKind.GetValueOrDefault("HEAD") <= 3, $"{proxy.Requests} requests"); // one source HEAD an object (unchanged?), listings, nothing more

        // Someone writes other content at a backup key: the backup never overwrites it, and is incomplete until resolved.
        bak.Put("1_Ann/cv.pdf", "something else");
        File.Delete(Path.Combine(dir.Path, SourceBackup.JournalFileName)); // as on a fresh workspace: only the bucket can tell
        var tampered = CopyRun.Pipe(_moto, Backup + " -WarningAction SilentlyContinue", ("bucket", src.Name), ("backup", bak.Name), ("ws", dir.Path));
        var failed = Assert.Single(tampered.Objects<BackupResult>(), r => r.Status == BackupResultStatus.Failed);
        Assert.Equal("1_Ann/cv.pdf", failed.SourceKey);
        Assert.Contains(tampered.Errors, e => e.FullyQualifiedErrorId.StartsWith("BackupConflict"));
        Assert.Equal("something else", System.Text.Encoding.UTF8.GetString(CopyRun.Body(_s3, bak.Name, "1_Ann/cv.pdf")));
        var row = Assert.Single(BackupManifest.Read(dir.Path)!, e => e.SourceKey == "1_Ann/cv.pdf");
        Assert.False(row.IsVerified);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "backup_summary.json")));
        Assert.False(summary.RootElement.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public void WhatIf_copies_nothing_and_writes_no_workspace_file()
    {
        using var dir = new TempDir();
        var (src, bak) = Buckets("whatif");
        var ws = dir.File("ws");
        var run = CopyRun.Pipe(_moto, Backup + " -WhatIf", ("bucket", src.Name), ("backup", bak.Name), ("ws", ws));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Output);
        Assert.False(Directory.Exists(ws));
        Assert.Empty(_s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bak.Name }).GetAwaiter().GetResult().S3Objects ?? new List<S3Object>());
    }

    [Fact]
    public void A_backup_location_inside_the_source_is_refused_before_anything_is_read()
    {
        using var dir = new TempDir();
        var (src, _) = Buckets("overlap");
        var run = CopyRun.Pipe(_moto, "Backup-MigrationSource -SourceBucket $bucket -BackupBucket $bucket -BackupPrefix 'backup' -WorkspacePath $ws -EndpointUrl $endpoint",
            ("bucket", src.Name), ("ws", dir.File("ws")));
        Assert.Equal("BackupOverlapsSource", run.StoppingError?.FullyQualifiedErrorId.Split(',')[0]);
        Assert.False(Directory.Exists(dir.File("ws")));

        // The same bucket is fine when the source is a prefix the backup prefix does not touch.
        var ok = CopyRun.Pipe(_moto, "Backup-MigrationSource -SourceBucket $bucket -SourcePrefix '1_Ann/' -BackupBucket $bucket -BackupPrefix 'backup' -WorkspacePath $ws -EndpointUrl $endpoint",
            ("bucket", src.Name), ("ws", dir.File("ws")));
        Assert.Empty(ok.Errors);
        Assert.Equal(2, ok.Objects<BackupResult>().Count(r => r.Status == BackupResultStatus.Verified));
        Assert.True(CopyRun.Exists(_s3, src.Name, "backup/1_Ann/a.mp3"));
    }

    [Fact]
    public void TransitionAfterDays_writes_STANDARD_and_merges_its_lifecycle_rule_with_the_buckets_other_rules()
    {
        using var dir = new TempDir();
        var (src, bak) = Buckets("lifecycle");
        var other = new LifecycleRule
        {
            Id = "expire-tmp", Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "tmp/" } },
            Expiration = new LifecycleRuleExpiration { Days = 7 },
        };
        _s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bak.Name, Configuration = new LifecycleConfiguration { Rules = new List<LifecycleRule> { other } },
        }).GetAwaiter().GetResult();

        var run = CopyRun.Pipe(_moto, Backup + " -BackupPrefix media -StorageClass DEEP_ARCHIVE -TransitionAfterDays 3", ("bucket", src.Name), ("backup", bak.Name), ("ws", dir.Path));
        Assert.Empty(run.Errors);
        Assert.All(run.Objects<BackupResult>(), r => Assert.Equal((BackupResultStatus.Verified, "STANDARD"), (r.Status, r.StorageClass)));
        Assert.NotEqual("DEEP_ARCHIVE", CopyRun.Head(_s3, bak.Name, "media/1_Ann/a.mp3").StorageClass?.Value);

        var rules = _s3.GetLifecycleConfigurationAsync(bak.Name).GetAwaiter().GetResult().Configuration.Rules;
        Assert.Contains(rules, r => r.Id == "expire-tmp");
        var ours = Assert.Single(rules, r => r.Id == LifecycleRules.RuleId("media/"));
        var transition = Assert.Single(ours.Transitions);
        Assert.Equal((3, "DEEP_ARCHIVE"), (transition.Days ?? -1, transition.StorageClass.Value));

        // Run again: the rule is replaced, not duplicated.
        CopyRun.Pipe(_moto, Backup + " -BackupPrefix media -StorageClass DEEP_ARCHIVE -TransitionAfterDays 3", ("bucket", src.Name), ("backup", bak.Name), ("ws", dir.Path));
        var after = _s3.GetLifecycleConfigurationAsync(bak.Name).GetAwaiter().GetResult().Configuration.Rules;
        Assert.Equal(2, after.Count);
        Assert.Contains("lifecycle", File.ReadAllText(Path.Combine(dir.Path, "RESTORE.md")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TransitionAfterDays_moves_every_backup_object_whatever_its_size_and_the_summary_says_STANDARD_until_then()
    {
        // Issue 10, item 9: the rule kept S3's default 128 KB floor (small backups never move on real S3), and
        // backup_summary.json said GLACIER of objects written in STANDARD.
        using var dir = new TempDir();
        var (src, bak) = Buckets("lcsize");
        src.Put("1_Ann/empty.txt", "");
        using var proxy = new LoopbackProxy(_moto.EndpointUrl) { Capture = r => r.QueryString["lifecycle"] != null || r.Url!.Query.Contains("lifecycle") };
        var run = CopyRun.Pipe(_moto, Backup.Replace("$endpoint", "$proxy") + " -StorageClass GLACIER -TransitionAfterDays 30",
            ("bucket", src.Name), ("backup", bak.Name), ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
        Assert.Empty(run.Errors);

        // What was asked of S3: our rule with ObjectSizeGreaterThan 0 beside the prefix, and the bucket's own default floor sent back unchanged.
        var put = Assert.Single(proxy.Captured, c => c.Method == "PUT");
        var rule = System.Xml.Linq.XDocument.Parse(put.Body).Descendants().Single(e => e.Name.LocalName == "Rule"
            && e.Elements().Any(x => x.Name.LocalName == "ID" && x.Value == LifecycleRules.RuleId("")));
        var filter = rule.Elements().Single(e => e.Name.LocalName == "Filter");
        Assert.Equal("0", filter.Descendants().Single(e => e.Name.LocalName == "ObjectSizeGreaterThan").Value);
        Assert.DoesNotContain(filter.Descendants(), e => e.Name.LocalName == "Prefix" && e.Value.Length > 0);   // the whole backup bucket
        Assert.Equal("all_storage_classes_128K", put.Headers.GetValueOrDefault("x-amz-transition-default-minimum-object-size"));

        // moto drops size filters: the read-back cannot prove the rule, so the run says which backups S3 would leave behind.
        Assert.Contains(run.Warnings, w => w.Contains("ObjectSizeGreaterThan") && w.Contains("4 of the 4 backup objects") && w.Contains("128 KB"));

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "backup_summary.json")));
        var s = summary.RootElement;
        Assert.Equal("STANDARD", s.GetProperty("storage_class").GetString());
        Assert.Equal("GLACIER", s.GetProperty("target_storage_class").GetString());
        Assert.Equal(30, s.GetProperty("transition_after_days").GetInt32());
        Assert.Equal(4, s.GetProperty("storage_classes").GetProperty("STANDARD").GetInt32());
        Assert.Equal(JsonValueKind.Null, s.GetProperty("lifecycle_size_filter").ValueKind);
        Assert.Equal(4, s.GetProperty("objects_not_transitioned").GetInt32());
        Assert.Contains("128 KB", s.GetProperty("not_transitioned_reason").GetString());
    }

    [Fact]
    public void WhatIf_with_TransitionAfterDays_warns_of_the_empty_backups_a_size_filter_cannot_move_and_writes_no_rule()
    {
        using var dir = new TempDir();
        var (src, bak) = Buckets("lcwhatif");
        src.Put("1_Ann/empty.txt", "");
        var run = CopyRun.Pipe(_moto, Backup + " -TransitionAfterDays 30 -WhatIf", ("bucket", src.Name), ("backup", bak.Name), ("ws", dir.File("ws")));
        Assert.Null(run.Terminating);
        Assert.Contains(run.Warnings, w => w.Contains("1 of the 4 backup objects") && w.Contains("0 bytes") && w.Contains("STANDARD"));
        Assert.False(Directory.Exists(dir.File("ws")));
        Assert.Empty(new LifecycleRules(_s3, new S3Calls(new RetryPolicy(0))).ReadAsync(bak.Name, CancellationToken.None).GetAwaiter().GetResult().Rules);
    }

    [Theory]
    [InlineData(true, "all_storage_classes_128K", "GLACIER", 1, "0 bytes")]          // our filter in place: only the empty object stays
    [InlineData(false, "all_storage_classes_128K", "GLACIER", 3, "under 128 KB")]    // filter dropped, S3's default floor: every small one stays
    [InlineData(false, "varies_by_storage_class", "DEEP_ARCHIVE", 0, "")]           // Glacier classes take small objects under that setting
    [InlineData(false, "varies_by_storage_class", "GLACIER_IR", 3, "under 128 KB")]
    public void Which_backups_S3_would_leave_in_STANDARD(bool filter, string minimum, string storageClass, int left, string why)
    {
        var (count, reason) = LifecycleRules.LeftInStandard(new long[] { 0, 10, 131071, 131072, 5_000_000 }, filter, minimum, storageClass);
        Assert.Equal(left, count);
        if (why.Length == 0) Assert.Equal("", reason); else Assert.Contains(why, reason);
    }

    [Fact]
    public void The_size_filter_is_recognised_however_the_SDK_reads_the_rule_back()
    {
        Assert.True(LifecycleRules.HasSizeFilter(LifecycleRules.BuildRule("media/", 3, "GLACIER")));
        Assert.True(LifecycleRules.HasSizeFilter(LifecycleRules.BuildRule("", 3, "GLACIER")));
        var predicates = new LifecycleRule
        {
            Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecycleAndOperator { Operands = new List<LifecycleFilterPredicate>
                { new LifecyclePrefixPredicate { Prefix = "media/" }, new LifecycleObjectSizeGreaterThanPredicate { ObjectSizeGreaterThan = 0 } } } },
        };
        Assert.True(LifecycleRules.HasSizeFilter(predicates));
        var prefixOnly = new LifecycleRule { Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "media/" } } };
        Assert.False(LifecycleRules.HasSizeFilter(prefixOnly));
    }

    [Fact]
    public void A_run_that_died_midway_resumes_copying_only_what_its_journal_does_not_hold()
    {
        using var dir = new TempDir();
        var (src, bak) = Buckets("resume");
        for (var i = 0; i < 12; i++) src.Put($"3_Cy/f{i}.mp3", new string('c', 100 + i));
        Assert.Empty(CopyRun.Pipe(_moto, Backup, ("bucket", src.Name), ("backup", bak.Name), ("ws", dir.Path)).Errors);
        Assert.False(File.Exists(Path.Combine(dir.Path, "migration_log.csv"))); // the backup keeps its own journal

        // As if the process had died after 6 copies, in the middle of writing the 7th row: the journal holds 6 rows and a
        // torn tail, and the objects after them were never copied.
        var journal = Path.Combine(dir.Path, SourceBackup.JournalFileName);
        var lines = File.ReadAllLines(journal);
        File.WriteAllText(journal, string.Join("\n", lines.Take(7)) + "\n" + lines[7][..20]);
        var done = JournalReaderRows(dir.Path).Select(r => r.OldPath).ToHashSet();
        Assert.Equal(6, done.Count);
        foreach (var row in lines.Skip(7)) _s3.DeleteObjectAsync(bak.Name, row.Split(',')[3].Substring($"s3://{bak.Name}/".Length)).GetAwaiter().GetResult();

        using var proxy = new LoopbackProxy(_moto.EndpointUrl);
        var resumed = CopyRun.Pipe(_moto, Backup.Replace("$endpoint", "$proxy"), ("bucket", src.Name), ("backup", bak.Name), ("ws", dir.Path), ("proxy", proxy.EndpointUrl));
        Assert.Empty(resumed.Errors);
        Assert.Contains(resumed.Warnings, w => w.Contains("torn"));
        var results = resumed.Objects<BackupResult>().ToList();
        Assert.Equal(15, results.Count);
        Assert.All(results, r => Assert.Equal(done.Contains($"s3://{r.SourceBucket}/{r.SourceKey}") ? BackupResultStatus.Skipped : BackupResultStatus.Verified, r.Status));
        Assert.Equal(9, proxy.ByKind.GetValueOrDefault("PUT copy"));
        Assert.All(BackupManifest.Read(dir.Path)!, e => Assert.True(e.IsVerified, e.SourceKey));
    }

    private static List<S3Migration.Workspace.JournalRow> JournalReaderRows(string ws) =>
        S3Migration.Workspace.JournalReader.ReadFile(Path.Combine(ws, SourceBackup.JournalFileName));
}
