using Amazon.S3;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>Test-OutputCsvUrl against real servers: 200, 404, 403 from IAM policy, and -Download catching changed content.</summary>
[Collection(S3Collection.Name)]
public class CsvUrlCheckTests
{
    private readonly MotoServer _moto;
    private readonly IAmazonS3 _s3;
    public CsvUrlCheckTests(MotoServer moto) { _moto = moto; _s3 = moto.CreateClient(); }

    [Fact]
    public void HEAD_reports_200_and_404_with_the_person_and_Download_catches_a_mismatch()
    {
        using var dir = new TempDir();
        var b = new TestBucket(_s3, TestBucket.UniqueName("urlcheck"));
        b.Put("1_Ann/a.mp3", "ann audio"); b.Put("1_Ann/c.mp4", "ann video"); b.Put("2_Bo/t.vtt", "bo transcript");
        var ws = dir.File("ws");
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,s3_audio_url,s3_video_url,s3_transcript_url\n" +
                               $"1,Ann,s3://{b.Name}/1_Ann/a.mp3,{_moto.EndpointUrl}/{b.Name}/1_Ann/c.mp4,\n" +
                               $"2,Bo,,,s3://{b.Name}/2_Bo/t.vtt\n");
        var run = CopyRun.Pipe(_moto, """
            Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint | Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -ErrorAction Stop | Out-Null
            Update-OutputCsv -Path $csv -WorkspacePath $ws | Out-Null
            """, ("bucket", b.Name), ("ws", ws), ("csv", csv));
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);

        UrlCheckResult[] Check(string flags) => CopyRun.Pipe(_moto, $"Test-OutputCsvUrl -Path $csv -WorkspacePath $ws -EndpointUrl $endpoint {flags} -WarningAction SilentlyContinue",
            ("ws", ws), ("csv", csv)).Objects<UrlCheckResult>().ToArray();

        var all = Check("");
        Assert.Equal(3, all.Length);
        Assert.All(all, r => Assert.True((200, UrlCheckStatus.Ok) == (r.StatusCode, r.Status), $"{r}: {r.Notes} [{r.Bucket}] [{r.Key}]"));
        Assert.All(all, r => Assert.Matches("^(audio|video|transcripts)/", r.Key));

        // The application's view: plain HTTP to the URL as written (the s3:// ones still go signed). The copy is private,
        // so an anonymous request is refused until the object is made public.
        var anonymous = Check("-Unsigned");
        Assert.Equal((403, UrlCheckStatus.Forbidden), anonymous.Where(r => r.Column == "s3_video_url").Select(r => (r.StatusCode, r.Status)).Single());
        Assert.All(anonymous.Where(r => r.Column != "s3_video_url"), r => Assert.Equal(200, r.StatusCode));
        MakePublic(b.Name, "video/1_Ann_c.mp4");
        Assert.All(Check("-Unsigned"), r => Assert.Equal(200, r.StatusCode));

        _s3.DeleteObjectAsync(b.Name, "transcripts/2_Bo_t.vtt").GetAwaiter().GetResult();
        b.Put("video/1_Ann_c.mp4", "ann VIDEO");   // same size, other bytes
        MakePublic(b.Name, "video/1_Ann_c.mp4");
        var after = Check("");
        var missing = Assert.Single(after, r => r.Status != UrlCheckStatus.Ok);
        Assert.Equal((404, UrlCheckStatus.NotFound, "2", "Bo", "s3_transcript_url"), (missing.StatusCode, missing.Status, missing.RowId, missing.PersonName, missing.Column));

        var downloaded = Check("-Download");
        var changed = Assert.Single(downloaded, r => r.Status == UrlCheckStatus.Mismatch);
        Assert.Equal(("1", "Ann", "s3_video_url", false), (changed.RowId, changed.PersonName, changed.Column, changed.Md5Match));
        Assert.Equal(TestBucket.Md5("ann video"u8.ToArray()), changed.ExpectedMd5);
        Assert.Single(downloaded, r => r.Status == UrlCheckStatus.Ok && r.Md5Match == true);
        Assert.Equal(UrlCheckStatus.Mismatch, Check("-Download -Unsigned").Single(r => r.Column == "s3_video_url").Status);
    }

    private void MakePublic(string bucket, string key) =>
        _s3.PutObjectAclAsync(new Amazon.S3.Model.PutObjectAclRequest { BucketName = bucket, Key = key, ACL = S3CannedACL.PublicRead }).GetAwaiter().GetResult();

    [Fact]
    public void A_private_object_the_credentials_may_not_read_is_403_and_no_secret_is_shown()
    {
        using var auth = new AuthorizingMoto(readablePrefix: "audio/");
        using var admin = auth.AdminClient();
        var b = new TestBucket(admin, TestBucket.UniqueName("urlauth"));
        b.Put("audio/1_Ann_a.mp3", "ann audio");
        b.Put("video/1_Ann_c.mp4", "ann video");
        using var dir = new TempDir();
        var csv = dir.File("output.csv");
        File.WriteAllText(csv, "row_id,name,s3_audio_url,s3_video_url\n" +
                               $"1,Ann,s3://{b.Name}/audio/1_Ann_a.mp3,s3://{b.Name}/video/1_Ann_c.mp4?X-Amz-Signature=topsecret\n" +
                               $"2,Bo,s3://{b.Name}/audio/2_Bo_gone.mp3,\n");
        var run = PowerShellHost.Run("Test-OutputCsvUrl -Path $csv -EndpointUrl $endpoint -Credential $credential",
            new Dictionary<string, object?> { ["csv"] = csv, ["endpoint"] = auth.Server.EndpointUrl, ["credential"] = auth.Reader });
        Assert.Null(run.Terminating);
        var results = run.Objects<UrlCheckResult>().ToDictionary(r => r.RowId + " " + r.Column);
        Assert.Equal(200, results["1 s3_audio_url"].StatusCode);
        Assert.Equal((403, UrlCheckStatus.Forbidden), (results["1 s3_video_url"].StatusCode, results["1 s3_video_url"].Status));
        Assert.Equal(UrlCheckStatus.NotFound, results["2 s3_audio_url"].Status);
        var warning = Assert.Single(run.Warnings);
        Assert.Contains("1 Ann (s3_video_url Forbidden)", warning);
        Assert.DoesNotContain("topsecret", string.Join("\n", run.Output.Select(o => o.ToString()).Concat(run.Warnings).Concat(results.Values.Select(r => r.Url + r.Notes))));
        Assert.DoesNotContain(auth.Reader.GetCredentials().SecretKey, string.Join("\n", run.Warnings.Concat(results.Values.Select(r => r.Notes))));
    }
}
