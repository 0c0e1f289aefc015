using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
// S3Location is also an Amazon.S3.Model type: this one is the migration's address value.
using S3Location = S3Migration.Model.S3Location;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Copy
{
    /// <summary>
    /// Copies and verifies one item (DESIGN.md, "What verified means"):
    /// 1. claim the target key for this source for the rest of the run;
    /// 2. HEAD the source: it must exist, be unchanged since the inventory and be readable (not archived);
    /// 3. skip what an earlier run's journal verified, when the source is still that one and the destination unchanged;
    /// 4. a destination that already exists is compared: identical is Skipped, different is a Conflict unless -Force;
    /// 5. copy server-side and verify: by the copy's answer where it proves the content (CopySettings.Verify), else by a
    ///    HEAD of the destination; a mismatch is copied once more, then Failed, and an unverified copy this run wrote is
    ///    deleted so it never looks like a good one.
    /// Per-object failures come back as results, typed (<see cref="CopyFailure"/>); a failure of the whole destination bucket is thrown.
    /// </summary>
    public sealed class CopyEngine
    {
        private readonly IAmazonS3 _s3;
        private readonly CopySettings _settings;
        private readonly S3Calls _calls;
        private readonly DestinationCatalog _catalog;
        private readonly IReadOnlyDictionary<string, JournalRow> _verified;
        private readonly ServerSideCopier _copier;
        private readonly ExistingDestination _existing;
        private readonly SourceTags _sourceTags;
        private readonly ConcurrentDictionary<string, Lazy<Task<bool>>> _sourceBuckets = new ConcurrentDictionary<string, Lazy<Task<bool>>>(StringComparer.Ordinal);

        /// <summary>Sources the workspace's cleanup deleted (deletion_log.csv): gone on purpose, not failed.</summary>
        private readonly IReadOnlySet<S3Location> _deletedByCleanup;

        /// <param name="verified">the journal's verified rows, by s3://bucket/key of their source</param>
        /// <param name="deletedByCleanup">each source Remove-MigrationSource deleted (or hid) in this workspace</param>
        public CopyEngine(IAmazonS3 s3, CopySettings settings, S3Calls calls, DestinationCatalog catalog, IReadOnlyDictionary<string, JournalRow> verified,
            IReadOnlySet<S3Location>? deletedByCleanup = null)
        {
            _s3 = s3; _settings = settings; _calls = calls; _catalog = catalog; _verified = verified;
            _deletedByCleanup = deletedByCleanup ?? new HashSet<S3Location>();
            _copier = new ServerSideCopier(s3, settings, calls);
            _existing = new ExistingDestination(s3, settings, calls, catalog, new ContentHasher(s3));
            _sourceTags = new SourceTags(s3, calls);
        }

        public async Task<MigrationResult> CopyAsync(CopyItem item, CancellationToken ct) => (await RunAsync(item, ct).ConfigureAwait(false)).Copy;

        /// <summary>The copy's result, and what became of a copy it wrote but could not verify.</summary>
        public async Task<CopyOutcome> RunAsync(CopyItem item, CancellationToken ct)
        {
            var clock = Stopwatch.StartNew();
            var retries = new RetryCount();
            var r = item.NewResult();
            var written = new OwnWrite();
            var unverified = UnverifiedCopy.None;
            var refusedAsArchived = false;
            try
            {
                await CopyAndVerifyAsync(item, r, retries, written, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket")
            {
                throw new MigrationException("BucketNotFound", MigrationErrorKind.NotFound,
                    $"Bucket '{await MissingBucketAsync(item, ct).ConfigureAwait(false)}' does not exist. Check the input's SourceBucket/TargetBucket and -DestinationBucket.", ex);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested) && !(ex is MigrationException m && CopyFailure.IsWholeRunError(m.ErrorId)))
            {
                CopyFailure.FromException(r, ex, retries);
                refusedAsArchived = ex is AmazonS3Exception s3 && CopyFailure.IsArchiveError(s3);
            }
            finally
            {
                // Whatever ended this item (a second mismatch, an error after a write, Ctrl+C), a copy this run wrote
                // and did not verify must not stay behind looking like a migrated file.
                if (written.ETag != null && r.Status != MigrationResultStatus.Verified)
                    unverified = await RemoveOwnWriteAsync(item, written.ETag, r).ConfigureAwait(false);
            }
            r.Retries = retries.Count;
            r.Duration = clock.Elapsed;
            r.Timestamp = DateTime.UtcNow;
            return new CopyOutcome(r, unverified, refusedAsArchived);
        }

        /// <summary>The ETag of a copy this run wrote and has not verified yet (null: none).</summary>
        private sealed class OwnWrite { public string? ETag; }

        private async Task<UnverifiedCopy> RemoveOwnWriteAsync(CopyItem item, string etag, MigrationResult r)
        {
            try
            {
                var none = CancellationToken.None;
                var now = await _calls.Run(() => ObjectHead.GetAsync(_s3, item.TargetBucket, item.TargetKey, none), new RetryCount(), none).ConfigureAwait(false);
                if (now == null || now.ETag != etag) return UnverifiedCopy.None;
                await _calls.Run(() => _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = item.TargetBucket, Key = item.TargetKey }, none), new RetryCount(), none).ConfigureAwait(false);
                r.AddNote("the unverified copy was deleted");
                return UnverifiedCopy.Deleted;
            }
            catch (Exception ex)
            {
                r.AddNote($"the unverified copy could not be deleted ({ex.GetBaseException().Message}); delete s3://{item.TargetBucket}/{item.TargetKey} by hand");
                return UnverifiedCopy.LeftBehind;
            }
        }

        private async Task CopyAndVerifyAsync(CopyItem item, MigrationResult r, RetryCount retries, OwnWrite written, CancellationToken ct)
        {
            var existing = await _catalog.LookupAsync(item.TargetBucket, item.TargetKey, ct).ConfigureAwait(false);
            var sourcePath = item.Source().ToString();
            var targetPath = item.Target().ToString();

            if (!_catalog.Claim(item.TargetBucket, item.TargetKey, sourcePath))
            {
                CopyFailure.Conflict(r, "another source of this run already targets this key; nothing was copied");
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
                if (_deletedByCleanup.Contains(item.Source()) && _verified.TryGetValue(sourcePath, out var migrated) && existing is { } there
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
                CopyFailure.Fail(r, FailureReason.SourceMissing, "the source no longer exists");
                return;
            }
            if ((r.SourceETag.Length > 0 && src.ETag != r.SourceETag) || (item.Size.HasValue && src.Size != item.Size.Value))
            {
                CopyFailure.Fail(r, FailureReason.SourceChanged, $"the source changed since the inventory (now {src.Size} bytes, ETag {src.ETag}); run Get-MigrationInventory again");
                return;
            }
            r.Size = src.Size; r.SourceETag = src.ETag; r.ContentType = src.ContentType;
            r.Md5 = VerificationRule.TrustedMd5(r.Md5, src);
            if (src.NeedsRestore)
            {
                CopyFailure.Fail(r, FailureReason.SourceArchived,
                    $"the source is archived in {(src.ArchiveStatus.Length > 0 ? src.ArchiveStatus : src.StorageClass)}: restore it first (RestoreObject), then run the copy again");
                return;
            }

            // 3. Verified by an earlier run, the source is still the one that run copied (content, headers and user
            //    metadata), and the destination is still what it verified (the folder listing shows): nothing to copy,
            //    nothing to add to the journal.
            if (_verified.TryGetValue(sourcePath, out var done) && existing is { } e
                && VerificationRule.StillAsJournaled(done, done.VerificationStatus == JournalRow.Verified, targetPath, src, e.Size, e.ETag))
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
                var decided = await _existing.CompareAsync(item, src, r, retries, ct).ConfigureAwait(false);
                if (decided == true) return;
                overwrite = decided == false; // null: gone again since the listing, so the copy still must not overwrite
            }
            // 5. Copy, verify, copy once more on a mismatch. -Force replaces other content: the copy, once verified, is one
            //    the undo must keep (the earlier content is gone).
            var (tags, probe) = await TagsAsync(item, src, r, retries, ct).ConfigureAwait(false);
            try { await CopyAndProveAsync(item, src, r, retries, written, tags, probe, overwrite, ct).ConfigureAwait(false); }
            finally { if (probe) _sourceTags.Release(item.SourceBucket); }
        }

        /// <summary>Step 5: copy, verify, copy once more on a mismatch.</summary>
        private async Task CopyAndProveAsync(CopyItem item, ObjectFacts src, MigrationResult r, RetryCount retries, OwnWrite written,
            IList<KeyValuePair<string, string>>? tags, bool probe, bool overwrite, CancellationToken ct)
        {
            var replacesOther = overwrite;
            // The journal keeps what the one rule needs to be asked again after the source is gone.
            r.HeadersDigest = CopyProof.HeadersDigestOf(src);
            r.TagCount = tags != null ? tags.Count : src.TagCount;
            r.TagsDigest = tags != null ? CopyProof.TagsDigestOf(tags) : "";
            var proof = CopyProof.FromSource(src, r.Md5, r.TagCount);
            CopyReceipt receipt;
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                r.Attempts = attempt;
                try
                {
                    receipt = await _copier.CopyAsync(item.Source(), src, item.Target(), tags, onlyIfAbsent: !overwrite, retries, ct).ConfigureAwait(false);
                    written.ETag = receipt.ETag;
                }
                catch (AmazonS3Exception ex) when (!overwrite && (ex.StatusCode == System.Net.HttpStatusCode.PreconditionFailed || ex.ErrorCode == "ConditionalRequestConflict"))
                {
                    // The key was written by someone else since this run listed the folder, or (nothing there) the
                    // refusal was the source's ETag condition: the source changed, said by the handler in CopyAsync.
                    r.Attempts = attempt - 1;
                    var settled = await _existing.CompareAsync(item, src, r, retries, ct).ConfigureAwait(false);
                    if (settled == null) throw;
                    if (settled.Value) return;
                    overwrite = replacesOther = true;
                    attempt--;
                    continue;
                }
                // The copy's answer proves a single-part, non-KMS copy (VerificationRule.CompareCopyResponse); the rest,
                // and every copy under -Verify Head, is read back with a HEAD.
                var outcome = _settings.Verify == CopyVerifyMode.CopyResponse
                    ? VerificationRule.CompareCopyResponse(proof, receipt)
                    : new VerificationOutcome(Verdict.Unproven, "", "");
                ObjectFacts? dst = null;
                bool? tagHeader = null; // whether the HEAD of the copy said how many tags it has (the verification may count them itself)
                if (outcome.Verdict == Verdict.Unproven)
                {
                    dst = await _calls.Run(() => ObjectHead.GetAsync(_s3, item.TargetBucket, item.TargetKey, ct), retries, ct).ConfigureAwait(false);
                    tagHeader = dst?.TagCount != null;
                    outcome = dst == null
                        ? new VerificationOutcome(Verdict.Mismatch, "", "the destination is missing after the copy")
                        : await _existing.VerifyAsync(proof, dst, item, retries, ct).ConfigureAwait(false);
                }
                if (outcome.Verdict == Verdict.Verified)
                {
                    written.ETag = null;
                    r.Status = MigrationResultStatus.Verified;
                    r.Origin = replacesOther ? CopyOrigin.Overwrote : CopyOrigin.Copied;
                    r.VerifiedBy = outcome.How;
                    // Proven by the answer: the same content, so the source's size, under the ETag S3 gave the copy.
                    r.DestinationETag = dst?.ETag ?? receipt.ETag;
                    r.DestinationLastModified = dst?.LastModified ?? receipt.LastModified;
                    if (r.Md5.Length == 0) r.Md5 = outcome.SourceMd5; // read to verify: journaled for checks after the cleanup
                    await _catalog.RecordAsync(item.TargetBucket, item.TargetKey, dst?.Size ?? src.Size, r.DestinationETag, ct).ConfigureAwait(false);
                    if (probe) await _sourceTags.ProveAsync(item.SourceBucket, item.Target(), tagHeader, tags?.Count ?? 0, ct).ConfigureAwait(false);
                    return;
                }
                r.AddNote($"copy {attempt} did not verify: {outcome.Why}");
                overwrite = true; // the destination is now this run's own unverified copy
            }

            CopyFailure.Fail(r, FailureReason.VerificationMismatch, "the copy did not verify twice"); // the unverified copy is removed on the way out (CopyAsync)
        }

        /// <summary>Whether a source bucket exists: asked once per bucket (a 1-key listing), when a source HEAD says not found.</summary>
        private Task<bool> SourceBucketExistsAsync(string bucket, CancellationToken ct) =>
            _sourceBuckets.GetOrAdd(bucket, b => new Lazy<Task<bool>>(() => ListsAsync(b, ct))).Value;

        private async Task<bool> ListsAsync(string bucket, CancellationToken ct)
        {
            try
            {
                await _calls.Run(() => _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, ct), new RetryCount(), ct).ConfigureAwait(false);
                return true;
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket") { return false; }
            catch (AmazonS3Exception) { return true; } // cannot tell (say, no s3:ListBucket): the item alone fails
        }

        /// <summary>
        /// The bucket S3 did not find (NoSuchBucket names none): the source answered its HEAD, so it is the target's,
        /// unless the source's bucket is gone since.
        /// </summary>
        private async Task<string> MissingBucketAsync(CopyItem item, CancellationToken ct) =>
            await SourceBucketExistsAsync(item.SourceBucket, ct).ConfigureAwait(false) ? item.TargetBucket : item.SourceBucket;

        /// <summary>
        /// The copy's tags: the source's merged with the migration tags, or null to let CopyObject copy the source's
        /// as they are. The multipart path copies no tags by itself, so it always gets an explicit list.
        /// </summary>
        /// <returns>the tags, and whether this item is its source bucket's tag probe (<see cref="SourceTags"/>)</returns>
        private async Task<(IList<KeyValuePair<string, string>>? Tags, bool Probe)> TagsAsync(CopyItem item, ObjectFacts src, MigrationResult r, RetryCount retries, CancellationToken ct)
        {
            if (!_settings.AddMigrationTags && !_copier.UsesMultipart(src)) return (null, false);
            // Read only where the HEAD says there are tags, once an absent header is shown to mean none (SourceTags).
            var (sourceTags, probe) = await _sourceTags.ReadAsync(item.Source(), src, retries, ct).ConfigureAwait(false);
            if (!_settings.AddMigrationTags) return (sourceTags, probe);
            var (tags, note) = MigrationTags.Merge(sourceTags, _settings.MigrationDate, item.SourceKey, _settings.MigrationId);
            if (note.Length > 0) r.AddNote(note);
            return (tags, probe);
        }
    }
}
