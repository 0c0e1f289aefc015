using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Integration.Phases;

/// <summary>
/// The inventory's re-run after a migration: a destination whose ETag differs from its source's (SSE-KMS, another part
/// layout) is the migrated file when the workspace journal verified that very copy, and a conflict otherwise. The journal
/// is read as digests and row offsets (issue 13, flat memory), the row read back on a lookup: this is that path end to end.
/// </summary>
[Collection(S3Collection.Name)]
public class InventoryResumeTests(MotoServer moto)
{
    private static string Md5(string s) => Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(s))).ToLowerInvariant();

    private List<MigrationItem> Inventory(string bucket, string ws) =>
        new InventoryScanner(S3ClientFactory.Create(new S3ConnectionOptions { EndpointUrl = moto.EndpointUrl }),
                new InventoryOptions { Bucket = bucket, WorkspacePath = ws }, moto.EndpointUrl)
            .ScanAsync(CancellationToken.None).ToBlockingEnumerable().ToList();

    private static JournalRow Row(string bucket, string key, string status) => new()
    {
        RowId = "7", PersonName = "Ann", OldPath = $"s3://{bucket}/7_Ann/{key}", NewPath = $"s3://{bucket}/audio/7_Ann_{key}", FileType = "audio",
        Size = 5, Md5 = Md5("hello"), Timestamp = DateTime.UtcNow, VerificationStatus = status, SourceETag = Md5("hello"), DestinationETag = Md5("hellp"),
        VerifiedBy = "etag", Attempts = 1, Result = status == JournalRow.Verified ? "Verified" : "Failed", Error = status == JournalRow.Verified ? "" : "the source changed,\n\"twice\"",
    };

    [Fact]
    public async Task A_destination_with_another_etag_is_skipped_only_while_the_journal_verifies_that_copy()
    {
        using var s3 = moto.CreateClient();
        var bucket = "inv-resume-" + Guid.NewGuid().ToString("N")[..8];
        await s3.PutBucketAsync(bucket);
        foreach (var key in new[] { "a.mp3", "b.mp3", "c.mp3" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"7_Ann/{key}", ContentBody = "hello" });
            // Same size, other bytes: the ETag differs as an SSE-KMS copy's would.
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"audio/7_Ann_{key}", ContentBody = "hellp" });
        }
        using var dir = new TempDir();
        using (var journal = MigrationJournal.Open(dir.Path))
        {
            journal.Append(Row(bucket, "a.mp3", JournalRow.Verified));
            journal.Append(Row(bucket, "b.mp3", JournalRow.Verified));
            journal.Append(Row(bucket, "b.mp3", JournalRow.Failed)); // a later failed attempt withdraws b's verification
        }

        var items = Inventory(bucket, dir.Path).ToDictionary(i => i.SourceKey, StringComparer.Ordinal);

        Assert.Equal(MigrationItemStatus.Skipped, items["7_Ann/a.mp3"].Status);
        Assert.Contains("the journal verified this destination copy", items["7_Ann/a.mp3"].Notes);
        Assert.Equal(MigrationItemStatus.Conflict, items["7_Ann/b.mp3"].Status);
        Assert.Equal(MigrationItemStatus.Conflict, items["7_Ann/c.mp3"].Status);
    }
}
