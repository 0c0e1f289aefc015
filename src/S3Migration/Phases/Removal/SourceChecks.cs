using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.PeopleCsv;
using S3Migration.Phases.Integrity;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Removal
{
    /// <summary>
    /// Gathers, right now, the facts the gate (PhaseGates.WhyKeepSource) decides on, for each candidate: (1) the source
    /// is still what was copied (HEAD: size, ETag and headers as journaled), (2) the destination is identical by the
    /// module's one verification rule (through IntegrityChecker), (3) backup_manifest.csv has a verified backup of this
    /// very source content whose object still exists with the manifest's size and ETag, and (4) which URLs of the people
    /// CSV still name it. Decides nothing itself.
    /// </summary>
    internal sealed class SourceChecks
    {
        private readonly IAmazonS3 _s3;
        private readonly RemovalOptions _o;
        private readonly ObjectVersions _versions;
        private readonly S3Lister _lister;

        public SourceChecks(IAmazonS3 s3, RemovalOptions options, ObjectVersions versions, S3Lister lister)
        {
            _s3 = s3; _o = options; _versions = versions; _lister = lister;
        }

        /// <summary>One result per candidate (Deleted until a fact says otherwise), its facts gathered.</summary>
        /// <param name="versioning">each candidate bucket's versioning: "" when never versioned</param>
        public async Task<List<RemovalResult>> CheckAllAsync(List<JournalRow> candidates, Dictionary<S3Location, BackupEntry>? manifest,
            IReadOnlyDictionary<string, string> versioning, CancellationToken ct)
        {
            var results = candidates.Select(c => RemovalCandidates.ResultOf(c, RemovalStatus.Deleted)).ToList();

            // The destination, by the module's one rule for "verified" (VerificationRule through IntegrityChecker: size, the
            // ETag as verified, content, headers and user metadata, tags, naming), against what the journal recorded.
            // Sources are checked below by HEAD, which also gives the version id to delete.
            var expected = candidates.Select(r => r.ToExpectedCopy()).ToList();
            var checker = new IntegrityChecker(_s3, "the source removal", new IntegrityOptions { SkipSourceCheck = true, ReadTags = true, ThrottleLimit = _o.ThrottleLimit });
            var destination = new Dictionary<S3Location, IntegrityResult>();
            foreach (var d in (await checker.CheckAsync(expected, ct).ConfigureAwait(false)).Results.Where(d => d.Status != IntegrityStatus.Unexpected))
                destination[new S3Location(d.SourceBucket, d.SourceKey)] = d;

            var backups = manifest != null ? await ListBackupsAsync(results, manifest, ct).ConfigureAwait(false) : null;

            await Parallel.ForEachAsync(Enumerable.Range(0, results.Count), new ParallelOptions { MaxDegreeOfParallelism = _o.ThrottleLimit, CancellationToken = ct },
                async (i, token) => await CheckOneAsync(results[i], candidates[i], destination, manifest, backups, versioning[results[i].SourceBucket].Length > 0, token)
                    .ConfigureAwait(false)).ConfigureAwait(false);
            return results;
        }

        /// <summary>The people CSV's URLs that name each source (none is an empty list: the CSV was read).</summary>
        public static void AddCsvReferences(IReadOnlyList<RemovalResult> results, string csvPath)
        {
            var named = CsvUrlReferences.InFile(csvPath, results.Select(r => r.SourcePath).ToList())
                .GroupBy(u => u.Names()).ToDictionary(g => g.Key, g => (IReadOnlyList<CsvUrlReference>)g.ToList());
            foreach (var r in results)
                r.Facts.CsvReferences = named.TryGetValue(r.Source(), out var refs) ? refs : Array.Empty<CsvUrlReference>();
        }

        /// <summary>
        /// The facts of one source, in the gate's order, stopping at the first that fails (the gate reports that one):
        /// the source unchanged, the destination identical, the backup verified.
        /// </summary>
        private async Task CheckOneAsync(RemovalResult r, JournalRow row, Dictionary<S3Location, IntegrityResult> destination, Dictionary<S3Location, BackupEntry>? manifest,
            Dictionary<S3Location, SourceObject>? backups, bool versioned, CancellationToken ct)
        {
            var f = r.Facts;
            try
            {
                // 1. The source: still there and still what was copied.
                if (r.SourceETag.Length == 0) { f.Source = GateCheck.Failed("the journal has no source ETag for it, so it cannot be proven unchanged since the copy"); return; }
                var head = await _versions.HeadAsync(r.SourceBucket, r.SourceKey, ct).ConfigureAwait(false);
                if (head == null) { f.Source = GateCheck.Failed("the source no longer exists; nothing to delete"); return; }
                var source = ObjectHead.FromResponse(head);
                if (versioned) r.VersionId = head.VersionId ?? "";
                if (VerificationRule.SourceChangeSinceCopy(row, source) is { } changed)
                {
                    f.Source = GateCheck.Failed("the source changed since the copy " + changed);
                    return;
                }
                if (versioned && _o.PermanentlyDeleteVersion && r.VersionId.Length == 0)
                    { f.Source = GateCheck.Failed("-PermanentlyDeleteVersion: the HEAD gave no version id, so the checked version cannot be named in the delete"); return; }
                f.Source = GateCheck.Passed;

                // 2. The destination, identical now.
                var dst = r.Target().ToString();
                if (!destination.TryGetValue(r.Source(), out var d))
                    { f.Destination = GateCheck.Failed($"the destination {dst} could not be checked"); return; }
                if (d.Status != IntegrityStatus.Verified) { f.Destination = GateCheck.Failed($"the destination {dst} is not identical to the source: {d.Reason}"); return; }
                f.Destination = GateCheck.Passed;

                // 3. The backup: a verified manifest row for this very content, and the backup object as the manifest says.
                if (manifest == null) return;
                f.Backup = Backup(r, row, manifest, backups);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                var why = GateCheck.Failed("could not be checked: " + (ex is AmazonS3Exception s3 ? $"{(int)s3.StatusCode} {s3.ErrorCode}" : ex.GetBaseException().Message));
                if (f.Source == null) f.Source = why;
                else if (f.Destination == null) f.Destination = why;
                else f.Backup = why;
            }
        }

        private static GateCheck Backup(RemovalResult r, JournalRow row, Dictionary<S3Location, BackupEntry> manifest, Dictionary<S3Location, SourceObject>? backups)
        {
            if (!manifest.TryGetValue(r.Source(), out var b)) return GateCheck.Failed("no verified backup: the backup manifest has no row for it");
            r.BackupBucket = b.BackupBucket; r.BackupKey = b.BackupKey;
            if (!b.IsVerified) return GateCheck.Failed($"no verified backup: the manifest row is '{b.Status}'{(b.Notes.Length > 0 ? ": " + b.Notes : "")}");
            if (b.Size != row.Size || ETag.Clean(b.SourceETag) != r.SourceETag)
                return GateCheck.Failed($"no verified backup: the manifest backed up other content (size {b.Size}, ETag {ETag.Clean(b.SourceETag)})");
            if (b.BackupBucket == r.SourceBucket && b.BackupKey == r.SourceKey) return GateCheck.Failed("no verified backup: the manifest names the source itself as its backup");
            var at = new S3Location(b.BackupBucket, b.BackupKey);
            if (backups == null || !backups.TryGetValue(at, out var live)) return GateCheck.Failed($"no verified backup: {at} does not exist");
            if (live.Size != b.Size || ETag.Clean(live.ETag) != ETag.Clean(b.BackupETag))
                return GateCheck.Failed($"no verified backup: {at} is {live.Size} bytes, ETag {ETag.Clean(live.ETag)}; the manifest recorded {b.Size} bytes, ETag {ETag.Clean(b.BackupETag)}");
            return GateCheck.Passed;
        }

        /// <summary>The backup objects, one listing per backup folder (cheaper than a HEAD each).</summary>
        private async Task<Dictionary<S3Location, SourceObject>> ListBackupsAsync(List<RemovalResult> results, Dictionary<S3Location, BackupEntry> manifest, CancellationToken ct)
        {
            var folders = new HashSet<(string Bucket, string Folder)>();
            foreach (var r in results)
                if (manifest.TryGetValue(r.Source(), out var b) && b.BackupBucket.Length > 0)
                    folders.Add((b.BackupBucket, b.BackupKey.Substring(0, b.BackupKey.LastIndexOf('/') + 1)));
            var index = new Dictionary<S3Location, SourceObject>();
            foreach (var (bucket, folder) in folders)
            {
                try
                {
                    await foreach (var o in _lister.ListObjectsAsync(bucket, folder, ct).ConfigureAwait(false))
                        if (o.Key.IndexOf('/', folder.Length) < 0) index[new S3Location(bucket, o.Key)] = o;
                }
                catch (MigrationException) { /* a missing backup bucket: every backup in it is missing, and each source is kept */ }
            }
            return index;
        }
    }
}
