using System.Text.Json;
using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// The design card's pipeline, literally, in the engine on moto: inventory | copy | integrity | CSV update. The CSV
/// update rewrites only what arrives verified, uses an explicit -WorkspacePath (never ignores it) and still works alone.
/// </summary>
[Collection(S3Collection.Name)]
public class ChainPipelineTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public ChainPipelineTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    private (TestBucket Bucket, string Csv, string Ws) Seeded(TempDir dir, string stem)
    {
        var b = new TestBucket(_s3, TestBucket.UniqueName(stem));
        b.Put("1_Ann/talk.mp3", "ann audio"); b.Put("1_Ann/talk.mp4", "ann video");
        b.Put("2_Bo/clip.mp3", "bo audio"); b.Put("2_Bo/clip.vtt", "bo transcript");
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,s3_audio_url,s3_video_url,s3_transcript_url\n" +
                               $"1,Ann,s3://{b.Name}/1_Ann/talk.mp3,s3://{b.Name}/1_Ann/talk.mp4,\n" +
                               $"2,Bo,s3://{b.Name}/2_Bo/clip.mp3,,s3://{b.Name}/2_Bo/clip.vtt\n");
        return (b, csv, dir.File("migration"));
    }

    /// <summary>The people CSV that migration_state.json says the workspace serves, or null.</summary>
    private static string? RecordedCsv(string ws)
    {
        if (!File.Exists(Path.Combine(ws, "migration_state.json"))) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws, "migration_state.json")));
        return doc.RootElement.TryGetProperty("csv_path", out var p) ? p.GetString() : null;
    }

    [Fact]
    public void The_four_cmdlets_of_the_design_card_chain_literally_and_rewrite_the_csv()
    {
        using var dir = new TempDir();
        var (b, csv, ws) = Seeded(dir, "chain4");
        var run = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -CsvPath $csv -EndpointUrl $endpoint |
                Copy-PersonFiles -DestinationBucket $bucket -WorkspacePath $ws -EndpointUrl $endpoint |
                Test-MigrationIntegrity -EndpointUrl $endpoint |
                Update-OutputCsv -Path $csv
            """, ("bucket", b.Name), ("csv", csv), ("ws", ws));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        Assert.Empty(run.Warnings);
        Assert.Equal(4, run.Objects<CsvUrlChange>().Count(c => c.Action == CsvChangeAction.Rewritten));
        var cmp = Assert.Single(run.Objects<CsvUpdateComparison>());
        Assert.True(cmp.Replaced);
        Assert.Equal(2, cmp.PeopleCompleted);
        var text = File.ReadAllText(csv);
        Assert.Contains($"1,Ann,s3://{b.Name}/audio/1_Ann_talk.mp3,s3://{b.Name}/video/1_Ann_talk.mp4,", text);
        Assert.Contains($"2,Bo,s3://{b.Name}/audio/2_Bo_clip.mp3,,s3://{b.Name}/transcripts/2_Bo_clip.vtt", text);
        Assert.Equal(Path.GetFullPath(csv), RecordedCsv(ws));
    }

    [Fact]
    public void A_destination_tampered_with_between_copy_and_check_arrives_Mismatch_and_keeps_its_old_url()
    {
        using var dir = new TempDir();
        var (b, csv, ws) = Seeded(dir, "chaintamper");
        Action<string> tamper = key => b.Put(key, "BO AUDIO"); // other bytes, same size: only the ETag tells
        var run = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws -EndpointUrl $endpoint |
                Copy-PersonFiles -DestinationBucket $bucket -WorkspacePath $ws -EndpointUrl $endpoint |
                ForEach-Object { if ($_.TargetKey -eq 'audio/2_Bo_clip.mp3') { $tamper.Invoke($_.TargetKey) }; $_ } |
                Test-MigrationIntegrity -EndpointUrl $endpoint |
                Update-OutputCsv -Path $csv
            """, ("bucket", b.Name), ("csv", csv), ("ws", ws), ("tamper", tamper));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var changes = run.Objects<CsvUrlChange>().ToList();
        Assert.Equal(3, changes.Count(c => c.Action == CsvChangeAction.Rewritten));
        Assert.DoesNotContain(changes, c => c.NewUrl.Contains("2_Bo_clip.mp3"));
        Assert.Contains(run.Warnings, w => w.Contains($"s3://{b.Name}/2_Bo/clip.mp3") && w.Contains("Mismatch") && w.Contains("journal"));

        var text = File.ReadAllText(csv);
        Assert.Contains($"2,Bo,s3://{b.Name}/2_Bo/clip.mp3,,s3://{b.Name}/transcripts/2_Bo_clip.vtt", text);  // old audio URL kept
        Assert.Contains($"1,Ann,s3://{b.Name}/audio/1_Ann_talk.mp3,s3://{b.Name}/video/1_Ann_talk.mp4,", text);
        var cmp = Assert.Single(run.Objects<CsvUpdateComparison>());
        Assert.Equal(1, cmp.PeopleCompleted); // Bo is not done while his audio does not verify

        // Alone, from the workspace, Update-OutputCsv goes by the journal as before (the journal says verified).
        var alone = CopyRun.Pipe(_moto, "Update-OutputCsv -Path $csv -WorkspacePath $ws", ("csv", csv), ("ws", ws));
        Assert.Null(alone.Terminating);
        Assert.Contains(alone.Objects<CsvUrlChange>(), c => c.NewUrl == $"s3://{b.Name}/audio/2_Bo_clip.mp3");
    }

    [Fact]
    public void An_explicit_WorkspacePath_is_used_and_one_that_disagrees_with_the_piped_workspace_is_an_error()
    {
        using var dir = new TempDir();
        var (b, csv, ws) = Seeded(dir, "chainws");
        var copy = CopyRun.Pipe(_moto, "$global:checks = @(Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint | Test-MigrationIntegrity -EndpointUrl $endpoint); $checks.Count",
            ("bucket", b.Name), ("ws", ws));
        Assert.Equal(4, (int)copy.Output.Single().BaseObject);
        var original = File.ReadAllText(csv);
        var other = dir.File("other");
        Directory.CreateDirectory(other);

        var wrong = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint |
                Test-MigrationIntegrity -EndpointUrl $endpoint | Update-OutputCsv -Path $csv -WorkspacePath $other
            """, ("bucket", b.Name), ("ws", ws), ("csv", csv), ("other", other));
        Assert.Equal("WorkspaceMismatch", wrong.StoppingError?.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains(other, wrong.StoppingError!.Exception.Message);
        Assert.Equal(original, File.ReadAllText(csv));

        // A filter that lets nothing through updates nothing, even with -WorkspacePath: no input is not "all of it".
        var none = CopyRun.Pipe(_moto, """
            Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint | Where-Object Status -eq 'Missing' | Update-OutputCsv -Path $csv -WorkspacePath $ws
            """, ("ws", ws), ("csv", csv));
        Assert.Null(none.Terminating);
        Assert.Contains(none.Warnings, w => w.Contains("Nothing came through the pipeline"));
        Assert.Equal(original, File.ReadAllText(csv));

        // A hand-made object binds by property name; with the same -WorkspacePath it is used, and only it is rewritten.
        var one = CopyRun.Pipe(_moto, """
            [pscustomobject]@{ SourceBucket = $bucket; SourceKey = '1_Ann/talk.mp3'; Status = 'Verified' } | Update-OutputCsv -Path $csv -WorkspacePath $ws
            """, ("bucket", b.Name), ("ws", ws), ("csv", csv));
        Assert.Null(one.Terminating);
        var change = Assert.Single(one.Objects<CsvUrlChange>());
        Assert.Equal($"s3://{b.Name}/audio/1_Ann_talk.mp3", change.NewUrl);
        Assert.Contains($"1,Ann,s3://{b.Name}/audio/1_Ann_talk.mp3,s3://{b.Name}/1_Ann/talk.mp4,", File.ReadAllText(csv));

        // Without a workspace anywhere, the error says what to give.
        var nowhere = CopyRun.Pipe(_moto, "[pscustomobject]@{ SourceBucket = 'b'; SourceKey = 'k'; Status = 'Verified' } | Update-OutputCsv -Path $csv", ("csv", csv));
        Assert.Equal("NoWorkspace", nowhere.StoppingError?.FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void Update_OutputCsv_records_the_csv_it_serves_and_refuses_another_for_the_same_workspace()
    {
        using var dir = new TempDir();
        var (b, csv, ws) = Seeded(dir, "chainstate");
        var copy = CopyRun.Pipe(_moto, "Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint | Out-Null",
            ("bucket", b.Name), ("ws", ws));
        Assert.Null(copy.Terminating);
        var other = dir.File("other.csv");
        File.Copy(csv, other);

        var whatIf = CopyRun.Pipe(_moto, "Update-OutputCsv -Path $csv -WorkspacePath $ws -WhatIf | Out-Null", ("csv", csv), ("ws", ws));
        Assert.Null(whatIf.Terminating);
        Assert.Null(RecordedCsv(ws)); // -WhatIf records nothing
        var update = CopyRun.Pipe(_moto, "Update-OutputCsv -Path $csv -WorkspacePath $ws | Out-Null", ("csv", csv), ("ws", ws));
        Assert.Null(update.Terminating);
        Assert.Equal(Path.GetFullPath(csv), RecordedCsv(ws));

        var wrong = CopyRun.Pipe(_moto, "Update-OutputCsv -Path $other -WorkspacePath $ws", ("other", other), ("ws", ws));
        Assert.Equal("WorkspaceServesOtherCsv", wrong.StoppingError?.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains($"s3://{b.Name}/1_Ann/talk.mp3", File.ReadAllText(other)); // untouched
    }
}
