using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Model;
using S3Migration.PeopleCsv;
using S3Migration.Reports;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Inventory
{
    public sealed class InventoryOptions
    {
        public string Bucket { get; set; } = "";
        public string Prefix { get; set; } = "";
        public string? DestinationBucket { get; set; }
        public string? DestinationPrefix { get; set; }
        public string? PersonPattern { get; set; }
        public IDictionary? FileTypeMap { get; set; }
        public string? CsvPath { get; set; }
        public string? RowIdColumn { get; set; }
        public bool ComputeMd5 { get; set; }
        public int ThrottleLimit { get; set; } = 8;
        public string? WorkspacePath { get; set; }
    }

    /// <summary>
    /// Get-MigrationInventory's work: lists the source, plans each object, computes MD5s where asked (in parallel,
    /// bounded by ThrottleLimit) and writes the workspace files. Items come out in listing order, on the caller's thread.
    /// </summary>
    public sealed class InventoryScanner
    {
        private readonly IAmazonS3 _s3;
        private readonly InventoryOptions _o;
        private readonly string _where;
        private readonly S3Lister _lister;
        private readonly ContentHasher _hasher;
        private long _listed, _listedBytes;

        /// <summary>Validates the options before any request is sent; bad input throws a MigrationException.</summary>
        public InventoryScanner(S3Session s3, InventoryOptions options, string where) : this(s3.Client, options, where) { }

        public InventoryScanner(IAmazonS3 s3, InventoryOptions options, string where)
        {
            _s3 = s3; _o = options; _where = where;
            _lister = new S3Lister(s3, where);
            _hasher = new ContentHasher(s3);
            if (string.IsNullOrWhiteSpace(options.Bucket))
                throw new MigrationException("BucketMissing", MigrationErrorKind.InvalidArgument, "-Bucket is required.");
            if (options.ThrottleLimit < 1)
                throw new MigrationException("InvalidThrottleLimit", MigrationErrorKind.InvalidArgument, "-ThrottleLimit must be 1 or more.");
            try
            {
                Persons = new PersonPattern(options.PersonPattern);
                Targets = new TargetKeyBuilder(FileTypeMap.Create(options.FileTypeMap), options.DestinationPrefix);
            }
            catch (ArgumentException ex)
            {
                throw new MigrationException("InvalidNamingParameter", MigrationErrorKind.InvalidArgument, ex.Message, ex);
            }
            CsvRows = options.CsvPath != null ? PeopleCsvReader.Read(options.CsvPath, options.RowIdColumn) : null;
        }

        public PersonPattern Persons { get; }
        public TargetKeyBuilder Targets { get; }
        public IReadOnlyDictionary<string, PersonRow>? CsvRows { get; }
        public long ObjectsListed => Interlocked.Read(ref _listed);
        public long BytesListed => Interlocked.Read(ref _listedBytes);
        public long BytesHashed => _hasher.BytesHashed;
        public int ListRequests => _lister.Requests;
        /// <summary>Set when the inventory ran to the end and the workspace files were written.</summary>
        public InventoryRunInfo? Completed { get; private set; }
        /// <summary>Verbose lines for the cmdlet to write on its thread.</summary>
        public ConcurrentLog Log { get; } = new ConcurrentLog();

        /// <summary>
        /// The plan of every object of the source, in listing order, streamed: an item comes out as soon as it is planned
        /// (and hashed, with -ComputeMd5), at most a window of items ahead of the slowest hash.
        /// </summary>
        public async IAsyncEnumerable<MigrationItem> ScanAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            var run = new InventoryRunInfo
            {
                Started = DateTime.UtcNow, SourceBucket = _o.Bucket, SourcePrefix = TargetKeyBuilder.NormalizePrefix(_o.Prefix),
                DestinationBucket = string.IsNullOrWhiteSpace(_o.DestinationBucket) ? _o.Bucket : _o.DestinationBucket!,
                DestinationPrefix = Targets.DestinationPrefix, PersonPattern = Persons.Pattern, CsvPath = _o.CsvPath,
            };
            var sourcePrefix = run.SourcePrefix;

            // The first request doubles as the check that the bucket exists and the credentials work.
            var folders = new List<string>();
            await foreach (var f in _lister.ListFoldersAsync(_o.Bucket, sourcePrefix, ct).ConfigureAwait(false)) folders.Add(f);
            Log.Add($"Found {folders.Count} top-level folders under s3://{_o.Bucket}/{sourcePrefix}.");
            if (run.DestinationBucket != _o.Bucket) await _lister.CheckBucketAsync(run.DestinationBucket, ct).ConfigureAwait(false);

            var existing = new DestinationIndex();
            foreach (var folder in Targets.Types.Folders)
                await foreach (var o in _lister.ListObjectsAsync(run.DestinationBucket, Targets.DestinationPrefix + folder + "/", ct).ConfigureAwait(false))
                    existing.Add(o.Key, o.Size, o.ETag);
            if (existing.Count > 0) Log.Add($"The destination type folders already hold {Plural.Of(existing.Count, "object")}.");

            string? workspace = _o.WorkspacePath != null ? AtomicFile.EnsureFolder(_o.WorkspacePath) : null;
            using var journal = existing.Count > 0 && workspace != null ? JournalVerified(workspace) : null;
            var planner = new MigrationPlanner(new PlanSettings
            {
                SourceBucket = _o.Bucket, SourcePrefix = sourcePrefix, TargetBucket = run.DestinationBucket,
                Targets = Targets, Persons = Persons, CsvRows = CsvRows, Existing = existing,
                EtagsAreMd5 = !await BucketEncryptsWithKmsAsync(ct).ConfigureAwait(false),
                Verified = journal?.Select(row => (row.NewPath, row.Size, row.DestinationETag, row.SourceETag)),
            });
            var report = new InventoryReport();
            using var checksums = workspace != null ? new InventoryChecksumsWriter(Path.Combine(workspace, InventoryChecksumsWriter.FileName)) : null;
            var slots = new SemaphoreSlim(_o.ThrottleLimit);
            var window = Math.Max(16, _o.ThrottleLimit * 4);
            var pending = new Queue<(MigrationItem Item, Task? Hash)>();
            // Hashing stops with the enumeration: when the caller stops reading (Select-Object -First, an error,
            // Ctrl+C), the workers are cancelled and awaited before anything they use is disposed.
            var hashing = CancellationTokenSource.CreateLinkedTokenSource(ct);
            try
            {
                await foreach (var item in planner.PlanAsync(Counted(_lister.ListObjectsAsync(_o.Bucket, sourcePrefix, ct)), folders, ct).ConfigureAwait(false))
                {
                    pending.Enqueue((item, NeedsHash(item) ? HashAsync(item, slots, hashing.Token) : null));
                    while (pending.Count > 0 && (pending.Peek().Hash == null || pending.Peek().Hash!.IsCompleted || pending.Count > window))
                        yield return await EmitAsync(pending.Dequeue()).ConfigureAwait(false);
                }
                while (pending.Count > 0) yield return await EmitAsync(pending.Dequeue()).ConfigureAwait(false);
            }
            finally
            {
                hashing.Cancel();
                try { await Task.WhenAll(pending.Select(p => p.Hash).OfType<Task>()).ConfigureAwait(false); }
                catch (Exception) { /* cancelled hashes of items nobody will read */ }
                hashing.Dispose();
                slots.Dispose();
            }

            async Task<MigrationItem> EmitAsync((MigrationItem Item, Task? Hash) p)
            {
                if (p.Hash != null) await p.Hash.ConfigureAwait(false);
                report.Add(p.Item);
                checksums?.Write(p.Item);
                return p.Item;
            }

            run.Finished = DateTime.UtcNow;
            if (workspace != null)
            {
                checksums!.Complete();
                report.Write(Path.Combine(workspace, InventoryReport.FileName), run, CsvRows);
            }
            Completed = run;
        }

        /// <summary>Only items the migration moves are hashed: not orphans, and not copies already in the destination layout.</summary>
        private bool NeedsHash(MigrationItem item) =>
            _o.ComputeMd5 && item.Md5Source == Md5Source.None && item.TargetKey.Length > 0;

        /// <summary>
        /// What a re-run skips (the journal's resume meaning), by source path: a digest and a file offset per source, the
        /// row read back on a lookup (issue 13: the rows themselves cost over a kilobyte each). Null without a journal.
        /// </summary>
        private VerifiedRows? JournalVerified(string workspace)
        {
            var verified = CopyJournal.VerifiedBySource(workspace);
            if (verified != null) Log.Add($"Read {verified.Count} verified copies from {CopyJournal.PathIn(workspace)}.");
            return verified;
        }

        private async Task HashAsync(MigrationItem item, SemaphoreSlim slots, CancellationToken ct)
        {
            if (item.IsArchived)
            {
                item.AddNote($"MD5 not computed: a {item.StorageClass} object must be restored before it can be read");
                return;
            }
            await slots.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                item.Md5 = await _hasher.ComputeMd5Async(item.SourceBucket, item.SourceKey, item.Size, ct).ConfigureAwait(false);
                item.Md5Source = Md5Source.Computed;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                var code = ex is AmazonS3Exception s3 ? $"{(int)s3.StatusCode} {s3.ErrorCode}" : ex.Message;
                item.AddNote($"MD5 could not be computed: {code}");
                Log.Add($"MD5 of '{item.SourceKey}' could not be computed: {code}");
            }
            finally { slots.Release(); }
        }

        private async IAsyncEnumerable<SourceObject> Counted(IAsyncEnumerable<SourceObject> objects)
        {
            await foreach (var o in objects.ConfigureAwait(false))
            {
                Interlocked.Increment(ref _listed);
                Interlocked.Add(ref _listedBytes, o.Size);
                yield return o;
            }
        }

        /// <summary>
        /// With SSE-KMS as the bucket default, ETags are not MD5s, so none is trusted as one. Objects that chose
        /// SSE-KMS themselves in another bucket cannot be told from a listing; the copy's verification re-checks.
        /// </summary>
        private async Task<bool> BucketEncryptsWithKmsAsync(CancellationToken ct)
        {
            try
            {
                var r = await _s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = _o.Bucket }, ct).ConfigureAwait(false);
                var kms = r.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?
                    .Any(rule => rule.ServerSideEncryptionByDefault?.ServerSideEncryptionAlgorithm?.Value?.StartsWith("aws:kms", StringComparison.Ordinal) == true) == true;
                if (kms) Log.Add("The bucket encrypts with SSE-KMS by default: ETags are not MD5s; use -ComputeMd5 for checksums.");
                return kms;
            }
            catch (AmazonS3Exception ex)
            {
                if (ex.ErrorCode != "ServerSideEncryptionConfigurationNotFoundError")
                    Log.Add($"Could not read the bucket's default encryption ({ex.ErrorCode}); ETags of single-part objects are taken as MD5s.");
                return false;
            }
        }
    }

    /// <summary>Messages from worker threads, drained by the cmdlet on the pipeline thread.</summary>
    public sealed class ConcurrentLog
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        public void Add(string line) => _lines.Enqueue(line);
        public IEnumerable<string> Drain()
        {
            while (_lines.TryDequeue(out var line)) yield return line;
        }
    }
}
