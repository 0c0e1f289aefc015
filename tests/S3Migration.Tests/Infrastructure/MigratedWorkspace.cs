using System.Reflection;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Migration.Tests.Infrastructure;

/// <summary>
/// A migrated workspace as Remove-MigrationSource finds it, the plan's order followed: the real inventory (given the
/// people CSV, which it records in the workspace), copy and Update-OutputCsv cmdlets made the journal and pointed the
/// CSV at the new layout, and a backup was made the way an operator without Backup-MigrationSource would: server-side
/// copies to a backup bucket in GLACIER, recorded with BackupManifest.Write.
/// </summary>
internal sealed class MigratedWorkspace
{
    public const string BackupPrefix = "source-backup/";
    public required TestBucket Bucket { get; init; }
    public required string BackupBucket { get; init; }
    public required string Workspace { get; init; }
    public required List<BackupEntry> Manifest { get; init; }
    /// <summary>The people CSV the workspace serves; it named every source, and Update-OutputCsv rewrote it (unless told not to).</summary>
    public required string Csv { get; init; }
    public IAmazonS3 S3 => Bucket.Client;

    /// <param name="files">source key and content; extensions decide the type</param>
    /// <param name="updateCsv">false: the CSV still names the old layout, as before Update-OutputCsv</param>
    public static MigratedWorkspace Build(MotoServer moto, IAmazonS3 s3, TempDir dir, IDictionary<string, string> files, bool versioned = false, string stem = "rm", bool updateCsv = true)
    {
        var bucket = new TestBucket(s3, TestBucket.UniqueName(stem));
        if (versioned)
            s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket.Name, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            }).GetAwaiter().GetResult();
        foreach (var f in files) bucket.Put(f.Key, f.Value);
        var csv = Path.Combine(dir.Path, "outputs", "output.csv");
        WritePeopleCsv(csv, bucket.Name, files.Keys);
        var copy = CopyRun.Pipe(moto, """
            Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws -EndpointUrl $endpoint |
                Copy-PersonFiles -DestinationBucket $bucket -WorkspacePath $ws -EndpointUrl $endpoint
            if ($update) { $null = Update-OutputCsv -Path $csv -WorkspacePath $ws -UrlDelimiter ';' -ErrorAction Stop }
            """, ("bucket", bucket.Name), ("ws", dir.Path), ("csv", csv), ("update", updateCsv));
        Assert.Null(copy.Terminating);
        Assert.Empty(copy.Errors);

        var backup = new TestBucket(s3, TestBucket.UniqueName(stem + "-bak"));
        var manifest = new List<BackupEntry>();
        foreach (var row in CopyRun.Journal(dir.Path).Where(r => r.VerificationStatus == JournalRow.Verified))
        {
            var (_, key) = ExpectedCopy.SplitPath(row.OldPath);
            s3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = bucket.Name, SourceKey = key, DestinationBucket = backup.Name, DestinationKey = BackupPrefix + key, StorageClass = S3StorageClass.Glacier,
            }).GetAwaiter().GetResult();
            var head = CopyRun.Head(s3, backup.Name, BackupPrefix + key);
            manifest.Add(new BackupEntry
            {
                SourceBucket = bucket.Name, SourceKey = key, BackupBucket = backup.Name, BackupKey = BackupPrefix + key, Size = row.Size,
                SourceETag = row.SourceETag, BackupETag = head.ETag.Trim('"'), Md5 = row.Md5, StorageClass = "GLACIER", VerifiedBy = "etag",
                Status = BackupEntry.Verified, BackedUpAt = DateTime.UtcNow,
            });
        }
        BackupManifest.Write(dir.Path, manifest);
        return new MigratedWorkspace { Bucket = bucket, BackupBucket = backup.Name, Workspace = dir.Path, Manifest = manifest, Csv = csv };
    }

    /// <summary>One row per person folder, its files' s3:// URLs in the URL column of their type (several joined by ';').</summary>
    private static void WritePeopleCsv(string path, string bucket, IEnumerable<string> keys)
    {
        var columns = new[] { ("audio", "s3_audio_url"), ("video", "s3_video_url"), ("documents", "s3_document_url"), ("images", "s3_image_url"), ("transcripts", "s3_transcript_url") };
        var lines = new List<string> { "row_id,name," + string.Join(",", columns.Select(c => c.Item2)) };
        foreach (var person in keys.GroupBy(k => k[..k.IndexOf('/')]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var (id, name) = (person.Key[..person.Key.IndexOf('_')], person.Key[(person.Key.IndexOf('_') + 1)..]);
            var cells = columns.Select(c => string.Join(";", person.Where(k => FileTypeMap.Default.Classify(k) == c.Item1).Select(k => $"s3://{bucket}/{k}")));
            lines.Add($"{id},{name}," + string.Join(",", cells));
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    public RemovalRun Remove(RemovalOptions? options = null, string? endpoint = null, Func<RemovalResult, bool>? confirm = null)
    {
        options ??= new RemovalOptions { GracePeriodDays = 0 };
        return new SourceRemoval(S3, options).RunAsync(Workspace, confirm ?? (_ => true), CancellationToken.None).GetAwaiter().GetResult();
    }

    public bool Exists(string key) => CopyRun.Exists(S3, Bucket.Name, key);

    /// <summary>Moves every copy timestamp of the journal into the past, rewriting it with the journal's own writer.</summary>
    public void AgeJournal(TimeSpan by)
    {
        var rows = CopyRun.Journal(Workspace);
        File.Delete(Path.Combine(Workspace, MigrationJournal.FileName));
        using var j = MigrationJournal.Open(Workspace);
        foreach (var r in rows) { r.Timestamp -= by; j.Append(r); }
    }

    /// <summary>The outcome rows of deletion_log.csv (the intent rows written before each DeleteObjects left out).</summary>
    public List<Dictionary<string, string>> DeletionLog()
    {
        var lines = File.ReadAllLines(DeletionJournal.PathIn(Workspace));
        Assert.Equal(string.Join(",", DeletionRow.Columns), lines[0]);
        return DeletionJournal.Read(Workspace).Where(r => r.Status != DeletionRow.Deleting).Select(r => new Dictionary<string, string>
        {
            ["source_path"] = r.SourcePath, ["status"] = r.Status, ["reason"] = r.Reason, ["version_id"] = r.VersionId, ["file_type"] = r.FileType,
            ["backup_path"] = r.BackupPath, ["new_s3_path"] = r.NewPath, ["size"] = r.Size.ToString(), ["deleted_at"] = r.DeletedAt?.ToString("o") ?? "",
        }).ToList();
    }

    public JsonElement Summary() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Workspace, RemovalSummary.FileName))).RootElement;
}
