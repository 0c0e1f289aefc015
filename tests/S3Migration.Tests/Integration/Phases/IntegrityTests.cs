using System.Text.Json;
using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>Test-MigrationIntegrity, Undo-Migration and New-MigrationCertificate on a migration made on moto.</summary>
[Collection(S3Collection.Name)]
public class IntegrityTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public IntegrityTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    /// <summary>A bucket of three people, inventoried and copied into <paramref name="ws"/>.</summary>
    private TestBucket Migrated(string stem, string ws, int filesEach = 4)
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName(stem));
        for (var p = 1; p <= 3; p++)
            for (var f = 0; f < filesEach; f++) b.Put($"{p}_P{p}/f{f}.{(f % 2 == 0 ? "mp3" : "pdf")}", $"person {p} file {f}");
        var run = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint",
            ("bucket", b.Name), ("ws", ws));
        Assert.All(run.Objects<MigrationResult>(), r => Assert.Equal(MigrationResultStatus.Verified, r.Status));
        return b;
    }

    private PipelineRun Check(string ws, string extra = "") =>
        CopyRun.Pipe(_moto, $"Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint {extra}", ("ws", ws));

    [Fact]
    public void A_clean_migration_verifies_and_the_reports_say_so()
    {
        using var dir = new TempDir();
        Migrated("clean", dir.Path);
        var run = Check(dir.Path);
        Assert.Null(run.Terminating);
        var results = run.Objects<IntegrityResult>().ToList();
        Assert.Equal(12, results.Count);
        Assert.All(results, r => Assert.Equal(IntegrityStatus.Verified, r.Status));
        // Decided from the listing: no HEAD, so the Content-Type is not read; -Verify Head reads and compares it.
        Assert.All(results, r => Assert.Equal(("listing", (bool?)null), (r.CheckedBy, r.ContentTypeMatch)));
        Assert.All(Check(dir.Path, "-Verify Head").Objects<IntegrityResult>(), r => Assert.True(r.ContentTypeMatch));
        Assert.Empty(run.Warnings);

        var csv = File.ReadAllLines(dir.File(VerificationReport.CsvName));
        Assert.Equal(string.Join(",", VerificationReport.Columns), csv[0]);
        Assert.Equal(13, csv.Length);
        Assert.All(File.ReadAllLines(dir.File(VerificationReport.CombinedName)), l => Assert.StartsWith("= s3://", l));
        using var plan = JsonDocument.Parse(File.ReadAllText(dir.File(RollbackPlan.FileName)));
        Assert.Equal(12, plan.RootElement.GetProperty("copies").GetArrayLength());
        Assert.Equal("DeleteObject", plan.RootElement.GetProperty("copies")[0].GetProperty("reverse").GetProperty("action").GetString());

        var summary = Assert.IsType<IntegritySummary>(Assert.Single(Check(dir.Path, "-Summary").Output).BaseObject);
        Assert.True(summary.AllVerified);
        Assert.Equal((6, 6), (summary.ByType["audio"].Expected, summary.ByType["audio"].Verified));
    }

    [Fact]
    public void Each_kind_of_tampering_is_caught_for_its_own_file()
    {
        using var dir = new TempDir();
        var b = Migrated("tamper", dir.Path);
        b.Put("audio/1_P1_f0.mp3", "person 1 FILE 0");         // other bytes, same size
        _s3.DeleteObjectAsync(b.Name, "documents/2_P2_f1.pdf").GetAwaiter().GetResult();
        b.Put("3_P3/f2.mp3", "person 3 file 2, edited");      // the source changed
        b.Put("audio/9_Stranger_x.mp3", "who put this here?");
        b.Put("2_P2/new-upload.mp3", "uploaded after the migration");

        var results = Check(dir.Path).Objects<IntegrityResult>().ToList();
        IntegrityResult By(string key) => Assert.Single(results, r => r.TargetKey == key || (r.TargetKey.Length == 0 && r.SourceKey == key));
        Assert.Equal(IntegrityStatus.Mismatch, By("audio/1_P1_f0.mp3").Status);
        Assert.Contains("rewritten", By("audio/1_P1_f0.mp3").Reason);
        Assert.Equal(IntegrityStatus.Missing, By("documents/2_P2_f1.pdf").Status);
        Assert.Equal(IntegrityStatus.SourceChanged, By("audio/3_P3_f2.mp3").Status);
        Assert.Equal(IntegrityStatus.Unexpected, By("audio/9_Stranger_x.mp3").Status);
        Assert.Equal(IntegrityStatus.Unexpected, By("2_P2/new-upload.mp3").Status);
        Assert.Contains("new upload", By("2_P2/new-upload.mp3").Reason);
        Assert.Equal(9, results.Count(r => r.Status == IntegrityStatus.Verified)); // 12 copies, 3 of them tampered with

        var combined = File.ReadAllLines(dir.File(VerificationReport.CombinedName));
        Assert.Contains(combined, l => l == $"* s3://{b.Name}/audio/1_P1_f0.mp3");
        Assert.Contains(combined, l => l == $"- s3://{b.Name}/2_P2/f1.pdf");
        Assert.Contains(combined, l => l == $"+ s3://{b.Name}/audio/9_Stranger_x.mp3");
        Assert.Contains(combined, l => l == $"* s3://{b.Name}/3_P3/f2.mp3");
    }

    [Fact]
    public void What_the_inventory_planned_but_no_copy_verified_is_missing_and_persons_are_checked_against_the_csv()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("partial"));
        b.Put("1_Ann/a.mp3", "a"); b.Put("1_Ann/b.pdf", "b"); b.Put("2_Bo/c.mp3", "c");
        File.WriteAllText(dir.File("output.csv"), "row_id,name\n1,Ann\n2,Bo\n");
        CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws | Where-Object SourceKey -ne '1_Ann/b.pdf' | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint",
            ("bucket", b.Name), ("ws", dir.Path));
        // b.pdf was held back by a filter, a choice the copy recorded: Excluded. A file a later inventory planned and no
        // copy has taken since is what Missing is for.
        b.Put("2_Bo/d.mp3", "d");
        CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws | Out-Null", ("bucket", b.Name), ("ws", dir.Path));
        var summary = Assert.IsType<IntegritySummary>(Assert.Single(Check(dir.Path, $"-Summary -CsvPath '{dir.File("output.csv")}'").Output).BaseObject);
        Assert.False(summary.AllVerified);
        Assert.Equal(new[] { $"s3://{b.Name}/2_Bo/d.mp3" }, summary.MissingKeys);
        Assert.Equal(1, summary.Excluded);
        Assert.Equal(2, summary.PersonsChecked);
        Assert.Single(summary.PersonsIncomplete);
        Assert.StartsWith("2 Bo", summary.PersonsIncomplete[0]);
    }

    [Fact]
    public void The_whole_chain_runs_in_one_pipeline_and_binds_the_workspace()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("chain"));
        b.Put("1_Ann/a.mp3", "a"); b.Put("1_Ann/b.srt", "b"); b.Put("loose.txt", "orphan");
        var run = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint |
                Where-Object FileType -ne '_unknown' |
                Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint |
                Test-MigrationIntegrity -EndpointUrl $endpoint |
                Where-Object Status -ne 'Verified'
            """, ("bucket", b.Name), ("ws", dir.Path));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Output);
        Assert.True(File.Exists(dir.File(VerificationReport.CsvName)));
        Assert.Equal(2, File.ReadAllLines(dir.File(VerificationReport.CsvName)).Length - 1);
    }

    [Fact]
    public void Piping_one_batch_checks_that_batch_and_knows_the_earlier_ones_from_the_journal()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("batches"));
        b.Put("1_Ann/a.mp3", "a"); b.Put("1_Ann/b.pdf", "b"); b.Put("2_Bo/c.mp3", "c"); b.Put("2_Bo/d.pdf", "d");
        CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -WorkspacePath $ws | Where-Object RowId -eq 1 | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint",
            ("bucket", b.Name), ("ws", dir.Path));
        var run = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Where-Object RowId -eq 2 |
                Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint | Test-MigrationIntegrity -EndpointUrl $endpoint
            """, ("bucket", b.Name), ("ws", dir.Path));
        Assert.Null(run.Terminating);
        var results = run.Objects<IntegrityResult>().ToList();
        Assert.Equal(new[] { "2_Bo/c.mp3", "2_Bo/d.pdf" }, results.Select(r => r.SourceKey).OrderBy(k => k, StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal(IntegrityStatus.Verified, r.Status));
        Assert.Empty(run.Warnings);

        using var plan = JsonDocument.Parse(File.ReadAllText(dir.File(RollbackPlan.FileName)));
        Assert.Equal(4, plan.RootElement.GetProperty("copies").GetArrayLength()); // both batches
    }

    [Fact]
    public void A_file_left_out_of_the_copy_is_missing_not_a_new_upload_even_without_an_inventory()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("leftout"));
        b.Put("1_Ann/a.mp3", "a"); b.Put("1_Ann/odd.xyz", "left out on purpose");
        Thread.Sleep(1100); // S3 times have one-second resolution
        var run = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Where-Object FileType -ne '_unknown' |
                Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint | Test-MigrationIntegrity -EndpointUrl $endpoint
            """, ("bucket", b.Name), ("ws", dir.Path));
        var odd = Assert.Single(run.Objects<IntegrityResult>(), r => r.SourceKey == "1_Ann/odd.xyz");
        Assert.Equal(IntegrityStatus.Missing, odd.Status);
        Assert.Contains("never copied", odd.Reason);
    }

    [Fact]
    public void Deep_hashes_copies_whose_etags_prove_nothing()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("deep"));
        b.Put("1_Ann/a.pdf", "kms content");
        CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ServerSideEncryption aws:kms",
            ("bucket", b.Name), ("ws", dir.Path));
        var deep = Assert.Single(Check(dir.Path, "-Deep").Objects<IntegrityResult>());
        Assert.Equal((IntegrityStatus.Verified, "content"), (deep.Status, deep.CheckedBy));
    }

    [Fact]
    public void Rollback_deletes_only_unchanged_copies_never_sources_and_whatif_changes_nothing()
    {
        using var dir = new TempDir();
        var b = Migrated("rollback", dir.Path, filesEach: 2);
        Check(dir.Path); // writes rollback_plan.json
        b.Put("audio/2_P2_f0.mp3", "changed by the application");
        b.Put("audio/3_P3_f0.mp3", "PERSON 3 FILE 0"); // other bytes, same size: only the ETag tells

        var before = Listing(b.Name);
        var whatIf = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -WhatIf", ("ws", dir.Path));
        Assert.Null(whatIf.Terminating);
        Assert.Equal(before, Listing(b.Name));

        var run = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", dir.Path));
        Assert.Null(run.Terminating);
        var results = run.Objects<RollbackResult>().ToDictionary(r => r.TargetKey);
        Assert.Equal(6, results.Count);
        Assert.Equal(RollbackStatus.Kept, results["audio/2_P2_f0.mp3"].Status);
        Assert.Equal(RollbackStatus.Kept, results["audio/3_P3_f0.mp3"].Status);
        Assert.Contains(run.Warnings, w => w.Contains("audio/2_P2_f0.mp3"));
        Assert.Contains(run.Warnings, w => w.Contains("audio/3_P3_f0.mp3"));
        Assert.Equal(4, results.Values.Count(r => r.Status == RollbackStatus.Deleted));

        var keys = new List<string>();
        var page = _s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = b.Name }).GetAwaiter().GetResult();
        keys.AddRange(page.S3Objects!.Select(o => o.Key));
        Assert.Equal(new[] { "1_P1/f0.mp3", "1_P1/f1.pdf", "2_P2/f0.mp3", "2_P2/f1.pdf", "3_P3/f0.mp3", "3_P3/f1.pdf", "audio/2_P2_f0.mp3", "audio/3_P3_f0.mp3" }, keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal("PERSON 3 FILE 0", System.Text.Encoding.UTF8.GetString(CopyRun.Body(_s3, b.Name, "audio/3_P3_f0.mp3")));
    }

    /// <summary>Every object of a bucket: key, size, ETag and last-modified time.</summary>
    private List<string> Listing(string bucket)
    {
        var all = new List<string>();
        var request = new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket };
        Amazon.S3.Model.ListObjectsV2Response page;
        do
        {
            page = _s3.ListObjectsV2Async(request).GetAwaiter().GetResult();
            all.AddRange((page.S3Objects ?? new List<Amazon.S3.Model.S3Object>()).Select(o => $"{o.Key} {o.Size} {o.ETag} {o.LastModified:o}"));
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
        return all;
    }

    [Fact]
    public void Rollback_keeps_a_destination_that_existed_before_the_migration_and_one_that_force_overwrote()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("keep"));
        b.Put("1_Ann/a.mp3", "same"); b.Put("audio/1_Ann_a.mp3", "same");          // already there, identical
        b.Put("1_Ann/b.mp3", "new b"); b.Put("audio/1_Ann_b.mp3", "the old b");     // different: replaced with -Force
        b.Put("1_Ann/c.pdf", "c");                                                    // a plain copy
        var copy = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -Force",
            ("bucket", b.Name), ("ws", dir.Path));
        var copied = copy.Objects<MigrationResult>().ToDictionary(r => r.SourceKey);
        Assert.Equal(MigrationResultStatus.Skipped, copied["1_Ann/a.mp3"].Status);
        Assert.Equal(MigrationResultStatus.Verified, copied["1_Ann/b.mp3"].Status);
        Assert.Equal(MigrationResultStatus.Verified, copied["1_Ann/c.pdf"].Status);

        // From the journal alone (no rollback_plan.json yet), then from the plan that the check writes.
        var fromJournal = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -WhatIf", ("ws", dir.Path)).Objects<RollbackResult>().ToDictionary(r => r.TargetKey);
        Assert.Equal(RollbackStatus.Kept, fromJournal["audio/1_Ann_a.mp3"].Status);
        Assert.Equal(RollbackStatus.Kept, fromJournal["audio/1_Ann_b.mp3"].Status);
        Check(dir.Path);
        using (var plan = JsonDocument.Parse(File.ReadAllText(dir.File(RollbackPlan.FileName))))
        {
            var actions = plan.RootElement.GetProperty("copies").EnumerateArray()
                .ToDictionary(c => c.GetProperty("destination").GetString()!, c => c.GetProperty("reverse").GetProperty("action").GetString());
            Assert.Equal("Keep", actions[$"s3://{b.Name}/audio/1_Ann_a.mp3"]);
            Assert.Equal("Keep", actions[$"s3://{b.Name}/audio/1_Ann_b.mp3"]);
            Assert.Equal("DeleteObject", actions[$"s3://{b.Name}/documents/1_Ann_c.pdf"]);
        }

        var run = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", dir.Path));
        Assert.Null(run.Terminating);
        var results = run.Objects<RollbackResult>().ToDictionary(r => r.TargetKey);
        Assert.Equal(RollbackStatus.Kept, results["audio/1_Ann_a.mp3"].Status);
        Assert.Contains("before the migration", results["audio/1_Ann_a.mp3"].Reason);
        Assert.Equal(RollbackStatus.Kept, results["audio/1_Ann_b.mp3"].Status);
        Assert.Contains("overwritten by -Force", results["audio/1_Ann_b.mp3"].Reason);
        Assert.Equal(RollbackStatus.Deleted, results["documents/1_Ann_c.pdf"].Status);
        Assert.Contains(run.Warnings, w => w.Contains("audio/1_Ann_a.mp3"));
        Assert.Equal("same", System.Text.Encoding.UTF8.GetString(CopyRun.Body(_s3, b.Name, "audio/1_Ann_a.mp3")));
        Assert.Equal("new b", System.Text.Encoding.UTF8.GetString(CopyRun.Body(_s3, b.Name, "audio/1_Ann_b.mp3")));
        Assert.False(CopyRun.Exists(_s3, b.Name, "documents/1_Ann_c.pdf"));
    }

    [Fact]
    public void Rollback_keeps_an_object_rewritten_between_its_check_and_its_deletion()
    {
        using var dir = new TempDir();
        var b = Migrated("race", dir.Path, filesEach: 1);
        var plan = RollbackPlan.FromJournal(dir.Path);
        var target = plan.Single(p => p.TargetKey == "audio/1_P1_f0.mp3");
        // The confirmation comes after the HEAD and before the DeleteObject: the application rewrites the object
        // there (same size, other bytes). Only the If-Match of the delete can see it.
        var results = new RollbackEngine(_s3).RunAsync(new[] { target }, e =>
        {
            b.Put(e.TargetKey, "PERSON 1 FILE 0");
            return true;
        }, CancellationToken.None).GetAwaiter().GetResult();
        var r = Assert.Single(results);
        Assert.Equal(RollbackStatus.Kept, r.Status);
        Assert.Contains("412", r.Reason);
        Assert.Equal("PERSON 1 FILE 0", System.Text.Encoding.UTF8.GetString(CopyRun.Body(_s3, b.Name, "audio/1_P1_f0.mp3")));
    }

    [Fact]
    public void Rollback_also_undoes_copies_made_after_the_last_integrity_check()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("later"));
        b.Put("1_Ann/a.mp3", "a"); b.Put("2_Bo/b.mp3", "b");
        const string copy = "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Where-Object SourceKey -like $like | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint";
        CopyRun.Pipe(_moto, copy, ("bucket", b.Name), ("ws", dir.Path), ("like", "1_*"));
        Check(dir.Path); // rollback_plan.json: Ann's copy only
        CopyRun.Pipe(_moto, copy, ("bucket", b.Name), ("ws", dir.Path), ("like", "2_*"));

        var run = CopyRun.Pipe(_moto, "Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Confirm:$false", ("ws", dir.Path));
        Assert.Null(run.Terminating);
        var results = run.Objects<RollbackResult>().ToDictionary(r => r.TargetKey);
        Assert.Equal(2, results.Count);
        Assert.All(results.Values, r => Assert.Equal(RollbackStatus.Deleted, r.Status));
        Assert.False(CopyRun.Exists(_s3, b.Name, "audio/2_Bo_b.mp3"));
    }

    [Fact]
    public void A_rollback_plan_entry_is_superseded_by_the_journals_row_of_the_same_source()
    {
        var stale = new RollbackEntry { SourceBucket = "b", SourceKey = "1_A/a.mp3", TargetBucket = "b", TargetKey = "audio/1_A_a.mp3", Size = 1, DestinationETag = "old" };
        var other = new RollbackEntry { SourceBucket = "b", SourceKey = "1_A/z.mp3", TargetBucket = "b", TargetKey = "audio/1_A_z.mp3", Size = 1, DestinationETag = "z" };
        var fresh = new RollbackEntry { SourceBucket = "b", SourceKey = "1_A/a.mp3", TargetBucket = "b", TargetKey = "audio/1_A_a.mp3", Size = 2, DestinationETag = "new" };
        var merged = RollbackPlan.Merge(new[] { stale, other }, new[] { fresh });
        Assert.Equal(new[] { fresh, other }, merged);
    }

    [Fact]
    public void The_certificates_figures_are_the_journals()
    {
        using var dir = new TempDir();
        var b = Migrated("cert", dir.Path);
        b.Put("4_Cold/old.mp3", "cold", storageClass: "GLACIER");
        CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction SilentlyContinue",
            ("bucket", b.Name), ("ws", dir.Path));
        Check(dir.Path);
        var run = CopyRun.Pipe(_moto, "New-MigrationCertificate -WorkspacePath $ws", ("ws", dir.Path));
        var c = Assert.IsType<MigrationCertificate>(Assert.Single(run.Output).BaseObject);

        var journal = CopyRun.Journal(dir.Path);
        var verified = journal.Where(r => r.VerificationStatus == "verified").GroupBy(r => r.OldPath).Select(g => g.Last()).ToList();
        Assert.Equal(verified.Count, c.FilesMigrated);
        Assert.Equal(12, c.FilesMigrated);
        Assert.Equal(verified.Sum(r => r.Size), c.BytesMigrated);
        Assert.Equal(verified.Count(r => r.FileType == "audio"), c.ByType["audio"].Files);
        Assert.Equal(1, c.FailuresUnresolved); // the GLACIER source
        Assert.Equal(12, c.IntegrityByStatus!["Verified"]);

        var md = File.ReadAllText(c.MarkdownPath);
        Assert.Contains($"| Total | {c.FilesMigrated} | {c.BytesMigrated:N0} |", md);
        Assert.Contains("4_Cold/old.mp3", md);
        Assert.Contains("UNRESOLVED", md);
        Assert.Contains("| Migration operator |  |  |  |", md);
        var html = File.ReadAllText(c.HtmlPath);
        Assert.Contains("<td>Total</td><td>12</td>", html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public void The_daily_check_script_exits_non_zero_and_writes_a_dated_report_when_anything_is_wrong()
    {
        using var dir = new TempDir();
        var b = Migrated("daily", dir.Path, filesEach: 1);
        var script = Path.Combine(RepoPaths.Root, "scripts", "Invoke-DailyIntegrityCheck.ps1");
        var ok = CopyRun.Pipe(_moto, "& $script -WorkspacePath $ws -EndpointUrl $endpoint | Out-Null; $LASTEXITCODE".Replace(" | Out-Null", ""), ("script", script), ("ws", dir.Path));
        Assert.Equal(0, (int)ok.Output.Last().BaseObject);
        _s3.DeleteObjectAsync(b.Name, "audio/1_P1_f0.mp3").GetAwaiter().GetResult();
        var bad = CopyRun.Pipe(_moto, "& $script -WorkspacePath $ws -EndpointUrl $endpoint; $LASTEXITCODE", ("script", script), ("ws", dir.Path));
        Assert.Equal(1, (int)bad.Output.Last().BaseObject);
        var reports = Directory.GetFiles(Path.Combine(dir.Path, "reports"), "daily_*.csv");
        Assert.True(reports.Length >= 1);
        Assert.All(reports, r => Assert.Matches(@"daily_\d{8}_\d{6}(_\d+)?_verification\.csv$", r));
        // Two runs in one second keep both reports: the second gets a suffix instead of overwriting the first.
        var texts = Directory.GetFiles(Path.Combine(dir.Path, "reports"), "daily_*.txt").Select(File.ReadAllText).ToList();
        Assert.Equal(2, texts.Count);
        Assert.Single(texts, t => t.Contains("Result: OK"));
        Assert.Single(texts, t => t.Contains("Result: PROBLEMS FOUND") && t.Contains("Missing: s3://" + b.Name + "/1_P1/f0.mp3"));

        // Could not run: exit 2, whether the check itself fails (no journal) or writing the dated report does.
        using var empty = new TempDir();
        var noJournal = CopyRun.Pipe(_moto, "& $script -WorkspacePath $ws -EndpointUrl $endpoint; $LASTEXITCODE", ("script", script), ("ws", empty.Path));
        Assert.Equal(2, (int)noJournal.Output.Last().BaseObject);
        File.WriteAllText(empty.File("not-a-folder"), "");
        var unwritable = CopyRun.Pipe(_moto, "& $script -WorkspacePath $ws -EndpointUrl $endpoint -ReportFolder $folder; $LASTEXITCODE",
            ("script", script), ("ws", dir.Path), ("folder", Path.Combine(empty.File("not-a-folder"), "reports")));
        Assert.Null(unwritable.Terminating);
        Assert.Equal(2, (int)unwritable.Output.Last().BaseObject);
    }
}
