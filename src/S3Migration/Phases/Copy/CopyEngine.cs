using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Copy
{
    /// <summary>One object to copy, as Copy-PersonFiles binds it from the pipeline.</summary>
    public sealed class CopyItem
    {
        public string RowId { get; set; } = "";
        public string PersonName { get; set; } = "";
        public string FileType { get; set; } = "";
        public string SourceBucket { get; set; } = "";
        public string SourceKey { get; set; } = "";
        public string TargetBucket { get; set; } = "";
        public string TargetKey { get; set; } = "";
        public long? Size { get; set; }
        public string ETag { get; set; } = "";
        public string Md5 { get; set; } = "";
    }

    /// <summary>
    /// Copies and verifies one item (DESIGN.md, "What verified means"):
    /// 1. claim the target key for this source for the rest of the run;
    /// 2. HEAD the source: it must exist, be unchanged since the inventory and be readable (not archived);
    /// 3. skip what an earlier run's journal verified, when the source is still that one and the destination unchanged;
    /// 4. a destination that already exists is compared: identical is Skipped, different is a Conflict unless -Force;
    /// 5. copy server-side, HEAD the destination and verify; a mismatch is copied once more, then Failed,
    ///    and an unverified copy this run wrote is deleted so it never looks like a good one.
    /// Per-object failures come back as results; a failure of the whole destination bucket is thrown.
    /// </summary>
    public sealed class CopyEngine
    {
        private readonly IAmazonS3 _s3;
        private readonly CopySettings _settings;
        private readonly S3Calls _calls;
        private readonly DestinationCatalog _catalog;
        private readonly IReadOnlyDictionary<string, JournalRow> _verified;
        private readonly ServerSideCopier _copier;
        private readonly ContentHasher _hasher;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<bool>>> _sourceBuckets =
            new System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<bool>>>(StringComparer.Ordinal);

        /// <summary>Sources the workspace's cleanup deleted (deletion_log.csv, s3://bucket/key): gone on purpose, not failed.</summary>
        private readonly ICollection<string> _deletedByCleanup;

        /// <param name="deletedByCleanup">s3://bucket/key of each source Remove-MigrationSource deleted (or hid) in this workspace</param>
        public CopyEngine(IAmazonS3 s3, CopySettings settings, S3Calls calls, DestinationCatalog catalog, IReadOnlyDictionary<string, JournalRow> verified,
            ICollection<string>? deletedByCleanup = null)
        {
            _s3 = s3; _settings = settings; _calls = calls; _catalog = catalog; _verified = verified;
            _deletedByCleanup = deletedByCleanup ?? Array.Empty<string>();
            _copier = new ServerSideCopier(s3, settings, calls);
            _hasher = new ContentHasher(s3);
        }

        public async Task<MigrationResult> CopyAsync(CopyItem item, CancellationToken ct)
        {
            var clock = Stopwatch.StartNew();
            var retries = new StrongBox<int>();
            var r = new MigrationResult
            {
                RowId = item.RowId, PersonName = item.PersonName, FileType = item.FileType, SourceBucket = item.SourceBucket,
                SourceKey = item.SourceKey, TargetBucket = item.TargetBucket, TargetKey = item.TargetKey, Size = item.Size ?? 0,
                Md5 = ETag.Clean(item.Md5), SourceETag = ETag.Clean(item.ETag),
            };
            var written = new StrongBox<string?>();
            try
            {
                await CopyAndVerifyAsync(item, r, retries, written, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "InvalidObjectState" || ex.ErrorCode == "ObjectNotInActiveTierError")
            {
                Fail(r, $"the source is archived ({ex.ErrorCode}): restore it first (RestoreObject), then run the copy again");
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket")
            {
                throw new MigrationException("BucketNotFound", MigrationErrorKind.NotFound,
                    $"Bucket '{(ex.Message.Contains(item.SourceBucket) ? item.SourceBucket : item.TargetBucket)}' does not exist. Check the input's SourceBucket/TargetBucket and -DestinationBucket.", ex);
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.PreconditionFailed)
            {
                // Copies name the source ETag they expect: S3 refuses one whose source changed after its HEAD.
                Fail(r, "the source changed during the copy (its ETag no longer matches); run Get-MigrationInventory again");
            }
            catch (AmazonS3Exception ex)
            {
                Fail(r, $"S3 answered {(int)ex.StatusCode} {ex.ErrorCode}: {ex.Message}");
            }
            catch (MigrationException ex) when (!IsWholeRunError(ex.ErrorId))
            {
                Fail(r, ex.Message);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested) && !(ex is MigrationException))
            {
                Fail(r, RetryPolicy.IsTransient(ex, CancellationToken.None)
                    ? $"gave up after {RetriesText(retries.Value)}: {ex.GetBaseException().Message}"
                    : ex.GetBaseException().Message);
            }
            finally
            {
                // Whatever ended this item (a second mismatch, an error after a write, Ctrl+C), a copy this run wrote
                // and did not verify must not stay behind looking like a migrated file.
                if (written.Value != null && r.Status != MigrationResultStatus.Verified)
                    await RemoveOwnWriteAsync(item, written.Value, r).ConfigureAwait(false);
            }
            r.Retries = retries.Value;
            r.Duration = clock.Elapsed;
            r.Timestamp = DateTime.UtcNow;
            return r;
        }

        /// <summary>Errors that concern the whole run (a bucket, the credentials, the endpoint), not one object.</summary>
        public static bool IsWholeRunError(string errorId) =>
            errorId is "BucketNotFound" or "AccessDenied" or "InvalidCredentials" or "NoCredentials" or "EndpointUnreachable" or "WrongRegion" or "ProfileNotFound" or "NoRegion";

        private async Task RemoveOwnWriteAsync(CopyItem item, string etag, MigrationResult r)
        {
            try
            {
                var none = CancellationToken.None;
                var now = await _calls.Run(() => ObjectHead.GetAsync(_s3, item.TargetBucket, item.TargetKey, none), new StrongBox<int>(), none).ConfigureAwait(false);
                if (now == null || now.ETag != etag) return;
                await _calls.Run(() => _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = item.TargetBucket, Key = item.TargetKey }, none), new StrongBox<int>(), none).ConfigureAwait(false);
                r.AddNote("the unverified copy was deleted");
            }
            catch (Exception ex)
            {
                r.AddNote($"the unverified copy could not be deleted ({ex.GetBaseException().Message}); delete s3://{item.TargetBucket}/{item.TargetKey} by hand");
            }
        }

        private static string RetriesText(int n) => n == 1 ? "1 retry" : $"{n} retries";

        private async Task CopyAndVerifyAsync(CopyItem item, MigrationResult r, StrongBox<int> retries, StrongBox<string?> written, CancellationToken ct)
        {
            var existing = await _catalog.LookupAsync(item.TargetBucket, item.TargetKey, ct).ConfigureAwait(false);
            var sourcePath = JournalRow.S3Path(item.SourceBucket, item.SourceKey);
            var targetPath = JournalRow.S3Path(item.TargetBucket, item.TargetKey);

            if (!_catalog.Claim(item.TargetBucket, item.TargetKey, sourcePath))
            {
                r.Status = MigrationResultStatus.Conflict;
                r.AddNote("another source of this run already targets this key; nothing was copied");
                return;
            }

            // 2. The source as it is now.
            var src = await _calls.Run(() => ObjectHead.GetAsync(_s3, item.SourceBucket, item.SourceKey, ct), retries, ct).ConfigureAwait(false);
            if (src == null)
            {
                // A 404 on the HEAD is also what a missing bucket answers: that stops the run, not just this item.
                if (!await SourceBucketExistsAsync(item.SourceBucket, ct).ConfigureAwait(false))
                    throw new MigrationException("BucketNotFound", MigrationErrorKind.NotFound,
                        $"Source bucket '{item.SourceBucket}' does not exist. Check the input's SourceBucket, -Region and -EndpointUrl.", target: item.SourceBucket);
                // Gone because the cleanup deleted it after this very copy was verified, and the copy is still what was
                // verified: the file is migrated, nothing is left to copy. A run of the same plan again must not call
                // that a failure, nor journal one (a failed row would withdraw the copy's verification).
                if (_deletedByCleanup.Contains(sourcePath) && _verified.TryGetValue(sourcePath, out var migrated) && existing is { } there
                    && migrated.NewPath == targetPath && there.Size == migrated.Size && ETag.Clean(there.ETag) == ETag.Clean(migrated.DestinationETag))
                {
                    r.Status = MigrationResultStatus.Skipped;
                    r.Size = migrated.Size; r.SourceETag = migrated.SourceETag; r.DestinationETag = there.ETag; r.VerifiedBy = migrated.VerifiedBy;
                    r.HeadersDigest = migrated.HeadersDigest; r.TagCount = migrated.TagCount;
                    if (r.Md5.Length == 0) r.Md5 = migrated.Md5;
                    r.AddNote($"verified by an earlier run ({migrated.Timestamp:u}), then its source was deleted by Remove-MigrationSource; not copied again");
                    r.FromJournal = true;
                    return;
                }
                Fail(r, "the source no longer exists");
                return;
            }
            if ((r.SourceETag.Length > 0 && src.ETag != r.SourceETag) || (item.Size.HasValue && src.Size != item.Size.Value))
            {
                Fail(r, $"the source changed since the inventory (now {src.Size} bytes, ETag {src.ETag}); run Get-MigrationInventory again");
                return;
            }
            r.Size = src.Size; r.SourceETag = src.ETag; r.ContentType = src.ContentType;
            r.Md5 = VerificationRule.TrustedMd5(r.Md5, src);
            if (src.NeedsRestore)
            {
                Fail(r, $"the source is archived in {(src.ArchiveStatus.Length > 0 ? src.ArchiveStatus : src.StorageClass)}: restore it first (RestoreObject), then run the copy again");
                return;
            }

            // 3. Verified by an earlier run, the source is still the one that run copied (content, headers and user
            //    metadata), and the destination is still what it verified (the folder listing shows): nothing to copy,
            //    nothing to add to the journal.
            if (_verified.TryGetValue(sourcePath, out var done) && existing is { } e
                && VerificationRule.StillAsJournaled(done, targetPath, src, e.Size, e.ETag))
            {
                r.Status = MigrationResultStatus.Skipped;
                r.DestinationETag = e.ETag; r.VerifiedBy = done.VerifiedBy; r.HeadersDigest = done.HeadersDigest; r.TagCount = done.TagCount;
                if (r.Md5.Length == 0) r.Md5 = done.Md5;
                r.AddNote($"verified by an earlier run ({done.Timestamp:u}); not copied again");
                r.FromJournal = true;
                return;
            }

            // 4. Something is already at the target key.
            var overwrite = false;
            if (existing != null)
            {
                var decided = await CompareExistingAsync(item, src, r, retries, ct).ConfigureAwait(false);
                if (decided == true) return;
                overwrite = decided == false; // null: gone again since the listing, so the copy still must not overwrite
            }

            // 5. Copy, verify, copy once more on a mismatch.
            var tags = await TagsAsync(item, src, r, retries, ct).ConfigureAwait(false);
            // The journal keeps what the one rule needs to be asked again after the source is gone.
            r.HeadersDigest = CopyProof.HeadersDigestOf(src);
            r.TagCount = tags != null ? tags.Count : src.TagCount;
            r.TagsDigest = tags != null ? CopyProof.TagsDigestOf(tags) : "";
            var proof = CopyProof.FromSource(src, r.Md5, r.TagCount);
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                r.Attempts = attempt;
                try
                {
                    written.Value = await _copier.CopyAsync(item.SourceBucket, item.SourceKey, src, item.TargetBucket, item.TargetKey, tags,
                        onlyIfAbsent: !overwrite, retries, ct).ConfigureAwait(false);
                }
                catch (AmazonS3Exception ex) when (!overwrite && (ex.StatusCode == System.Net.HttpStatusCode.PreconditionFailed || ex.ErrorCode == "ConditionalRequestConflict"))
                {
                    // The key was written by someone else since this run listed the folder, or (nothing there) the
                    // refusal was the source's ETag condition: the source changed, said by the handler in CopyAsync.
                    r.Attempts = attempt - 1;
                    var settled = await CompareExistingAsync(item, src, r, retries, ct).ConfigureAwait(false);
                    if (settled == null) throw;
                    if (settled.Value) return;
                    overwrite = true;
                    attempt--;
                    continue;
                }
                var dst = await _calls.Run(() => ObjectHead.GetAsync(_s3, item.TargetBucket, item.TargetKey, ct), retries, ct).ConfigureAwait(false);
                var outcome = dst == null
                    ? new VerificationOutcome(Verdict.Mismatch, "", "the destination is missing after the copy")
                    : await _hasher.VerifyAsync(proof, dst, item.SourceBucket, item.SourceKey, item.TargetBucket, item.TargetKey, false, _calls, retries, ct).ConfigureAwait(false);
                if (outcome.Verdict == Verdict.Verified)
                {
                    written.Value = null;
                    r.Status = MigrationResultStatus.Verified;
                    r.VerifiedBy = outcome.How;
                    r.DestinationETag = dst!.ETag;
                    if (r.Md5.Length == 0) r.Md5 = outcome.SourceMd5; // read to verify: journaled for checks after the cleanup
                    await _catalog.RecordAsync(item.TargetBucket, item.TargetKey, dst.Size, dst.ETag, ct).ConfigureAwait(false);
                    return;
                }
                r.AddNote($"copy {attempt} did not verify: {outcome.Why}");
                overwrite = true; // the destination is now this run's own unverified copy
            }

            Fail(r, "the copy did not verify twice"); // the unverified copy is removed on the way out (CopyAsync)
        }

        /// <summary>Whether a source bucket exists: asked once per bucket (a 1-key listing), when a source HEAD says not found.</summary>
        private Task<bool> SourceBucketExistsAsync(string bucket, CancellationToken ct) =>
            _sourceBuckets.GetOrAdd(bucket, b => new Lazy<Task<bool>>(() => ListsAsync(b, ct))).Value;

        private async Task<bool> ListsAsync(string bucket, CancellationToken ct)
        {
            try
            {
                await _calls.Run(() => _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, ct), new StrongBox<int>(), ct).ConfigureAwait(false);
                return true;
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket") { return false; }
            catch (AmazonS3Exception) { return true; } // cannot tell (say, no s3:ListBucket): the item alone fails
        }

        /// <summary>
        /// Compares what is at the target key with the source. True when that settles the item: identical content made
        /// by this migration (its migration-id tag: a run killed before it journaled the copy) is Verified as the
        /// migration's own; other identical content is Skipped (journaled as verified, found in place); different content
        /// a Conflict. False when -Force lets the copy overwrite it; null when nothing is at the target key.
        /// </summary>
        private async Task<bool?> CompareExistingAsync(CopyItem item, ObjectFacts src, MigrationResult r, StrongBox<int> retries, CancellationToken ct)
        {
            var dst = await _calls.Run(() => ObjectHead.GetAsync(_s3, item.TargetBucket, item.TargetKey, ct), retries, ct).ConfigureAwait(false);
            if (dst == null) return null;
            var outcome = await _hasher.VerifyAsync(CopyProof.FromSource(src, r.Md5, null), dst, item.SourceBucket, item.SourceKey, item.TargetBucket, item.TargetKey,
                false, _calls, retries, ct).ConfigureAwait(false);
            if (outcome.Verdict == Verdict.Verified)
            {
                r.VerifiedBy = outcome.How;
                r.DestinationETag = dst.ETag;
                if (r.Md5.Length == 0) r.Md5 = outcome.SourceMd5;
                r.HeadersDigest = CopyProof.HeadersDigestOf(src);
                r.TagCount = dst.TagCount ?? 0;
                if (await MadeByThisMigrationAsync(item, dst, retries, ct).ConfigureAwait(false))
                {
                    r.Status = MigrationResultStatus.Verified;
                    r.AddNote(JournalRow.MadeEarlierNote);
                    await _catalog.RecordAsync(item.TargetBucket, item.TargetKey, dst.Size, dst.ETag, ct).ConfigureAwait(false);
                    return true;
                }
                r.Status = MigrationResultStatus.Skipped;
                r.AddNote(JournalRow.FoundIdenticalNote);
                return true;
            }
            if (_settings.Force)
            {
                r.AddNote($"{JournalRow.OverwroteNote}: {outcome.Why}");
                return false;
            }
            r.Status = MigrationResultStatus.Conflict;
            r.DestinationETag = dst.ETag;
            r.AddNote($"the destination holds different content ({outcome.Why}); not overwritten (use -Force to replace it)");
            return true;
        }

        /// <summary>
        /// Provenance: the destination carries this migration's migration-id tag. Asked only of a destination found with
        /// identical content (one tagging request), and only when it has tags at all.
        /// </summary>
        private async Task<bool> MadeByThisMigrationAsync(CopyItem item, ObjectFacts dst, StrongBox<int> retries, CancellationToken ct)
        {
            if (_settings.MigrationId.Length == 0 || dst.TagCount == 0) return false;
            var t = await _calls.Run(() => _s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = item.TargetBucket, Key = item.TargetKey }, ct), retries, ct).ConfigureAwait(false);
            return (t.Tagging ?? new List<Tag>()).Any(x => x.Key == MigrationTags.IdKey && x.Value == _settings.MigrationId);
        }

        /// <summary>
        /// The copy's tags: the source's merged with the migration tags, or null to let CopyObject copy the source's
        /// as they are. The multipart path copies no tags by itself, so it always gets an explicit list.
        /// </summary>
        private async Task<IList<KeyValuePair<string, string>>?> TagsAsync(CopyItem item, ObjectFacts src, MigrationResult r, StrongBox<int> retries, CancellationToken ct)
        {
            if (!_settings.MigrationTags && !_copier.UsesMultipart(src)) return null;
            var sourceTags = new List<KeyValuePair<string, string>>();
            // S3 sends x-amz-tagging-count only to callers who may read tags: without it, ask, so no tag is dropped.
            if (src.TagCount != 0)
            {
                var t = await _calls.Run(() => _s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = item.SourceBucket, Key = item.SourceKey }, ct), retries, ct).ConfigureAwait(false);
                sourceTags.AddRange((t.Tagging ?? new List<Tag>()).Select(x => new KeyValuePair<string, string>(x.Key, x.Value)));
            }
            if (!_settings.MigrationTags) return sourceTags;
            var (tags, note) = MigrationTags.Merge(sourceTags, _settings.MigrationDate, item.SourceKey, _settings.MigrationId);
            if (note.Length > 0) r.AddNote(note);
            return tags;
        }

        private static void Fail(MigrationResult r, string why)
        {
            r.Status = MigrationResultStatus.Failed;
            r.AddNote(why);
        }
    }
}
