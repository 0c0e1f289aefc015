
namespace S3Migration.Tests.Unit.Rules;

/// <summary>Where Backup-MigrationSource may put a backup.</summary>
public class BackupLocationRuleTests
{
    private static BackupOptions Options(string sourceBucket, string sourcePrefix, string backupBucket, string backupPrefix, string storageClass = "GLACIER", int? days = null) =>
        new()
        {
            SourceBucket = sourceBucket, SourcePrefix = sourcePrefix, BackupBucket = backupBucket, BackupPrefix = BackupLocationRule.NormalizePrefix(backupPrefix),
            StorageClass = storageClass, TransitionAfterDays = days,
        };

    private static string? ErrorId(BackupOptions o)
    {
        try { BackupLocationRule.Check(o); return null; }
        catch (MigrationException ex) { return ex.ErrorId; }
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("backups/2025", "backups/2025/")]
    [InlineData("backups/", "backups/")]
    public void A_backup_prefix_ends_with_a_slash(string? prefix, string normalized) =>
        Assert.Equal(normalized, BackupLocationRule.NormalizePrefix(prefix));

    [Fact]
    public void The_backup_key_keeps_the_source_key_behind_the_prefix() =>
        Assert.Equal("backups/media/472_K/x.mp3", Options("src", "media/", "bak", "backups").BackupKeyOf("media/472_K/x.mp3"));

    [Theory]
    [InlineData("src", "media/", "bak", "", null)]
    [InlineData("src", "media/", "src", "backups", null)]
    [InlineData("src", "media", "src", "media-backup", "BackupOverlapsSource")] // "media" lists "media-backup/" too
    [InlineData("src", "", "src", "backups", "BackupOverlapsSource")]
    [InlineData("src", "media/", "src", "", "BackupOverlapsSource")]
    public void A_backup_in_the_source_bucket_must_not_overlap_the_source(string sb, string sp, string bb, string bp, string? errorId) =>
        Assert.Equal(errorId, ErrorId(Options(sb, sp, bb, bp)));

    [Fact]
    public void Only_cold_classes_a_usable_prefix_and_a_non_negative_delay_are_accepted()
    {
        Assert.Equal("InvalidStorageClass", ErrorId(Options("src", "", "bak", "", "STANDARD")));
        Assert.Null(ErrorId(Options("src", "", "bak", "", "DEEP_ARCHIVE")));
        Assert.Null(ErrorId(Options("src", "", "bak", "", "GLACIER_IR")));
        Assert.Equal("InvalidBackupPrefix", ErrorId(Options("src", "", "bak", "/backups")));
        Assert.Equal("InvalidTransitionDays", ErrorId(Options("src", "", "bak", "", days: -1)));
    }
}
