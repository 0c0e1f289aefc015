using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Backup
{
    /// <summary>
    /// The completion check after the copies: lists the backup location and checks every source object against it: its
    /// backup exists, with the source's size and the ETag the copy verified (so it is still that copy), and the copy's
    /// proof (VerifiedBy) is on record. Equal ETags prove the content for plain and multipart objects; SSE-KMS sources
    /// were proven by checksum or by reading both sides at copy time, which a cold class only allows with
    /// -TransitionAfterDays (written in STANDARD).
    /// </summary>
    public static class BackupCompletion
    {
        /// <summary>Fills the run's outcome: one manifest entry per source, the counts, the storage classes, the late failures.</summary>
        public static async Task CheckAsync(S3Lister lister, BackupOptions o, BackupSession run, CancellationToken ct)
        {
            var outcome = run.Outcome;
            var wanted = new HashSet<string>(run.Sources.Select(s => o.BackupKeyOf(s.Key)), StringComparer.Ordinal);
            var listed = new Dictionary<string, SourceObject>(StringComparer.Ordinal);
            await foreach (var b in lister.ListObjectsAsync(o.BackupBucket, o.BackupPrefix + o.SourcePrefix, ct).ConfigureAwait(false))
            {
                if (wanted.Contains(b.Key)) listed[b.Key] = b;
                else outcome.ExtraBackupObjects++;
            }
            foreach (var s in run.Sources)
            {
                var key = o.BackupKeyOf(s.Key);
                listed.TryGetValue(key, out var found);
                run.Results.TryGetValue(s.Key, out var r);
                var e = new BackupEntry
                {
                    SourceBucket = o.SourceBucket, SourceKey = s.Key, BackupBucket = o.BackupBucket, BackupKey = key, Size = s.Size,
                    SourceETag = ETag.Clean(s.ETag), BackupETag = found != null ? ETag.Clean(found.ETag) : "", Md5 = r?.Md5 ?? "",
                    StorageClass = found?.StorageClass ?? "", VerifiedBy = r?.VerifiedBy ?? "", BackedUpAt = r?.Timestamp ?? default,
                    Status = BackupEntry.Failed,
                };
                outcome.SourceObjects++;
                outcome.SourceBytes += s.Size;
                if (found != null)
                {
                    outcome.BackedUpObjects++; outcome.BackedUpBytes += found.Size;
                    var cls = string.IsNullOrEmpty(found.StorageClass) ? "STANDARD" : found.StorageClass!;
                    outcome.StorageClasses[cls] = outcome.StorageClasses.TryGetValue(cls, out var n) ? n + 1 : 1;
                }

                var problem = Problem(key, s, r, found, run.Approved.Contains(s.Key));
                if (problem == null)
                {
                    e.Status = BackupEntry.Verified;
                    outcome.Verified++;
                    var notes = new List<string>();
                    if (r!.Status == BackupResultStatus.Skipped) notes.Add("already backed up");
                    if (found!.StorageClass != o.WriteClass && found.StorageClass != o.StorageClass)
                        notes.Add($"the backup is in {found.StorageClass}, not {o.StorageClass} (it was already there with identical content)");
                    e.Notes = string.Join("; ", notes);
                }
                else
                {
                    e.Notes = problem;
                    outcome.Failed++;
                    if (r != null && r.Status != BackupResultStatus.Failed)
                        outcome.LateFailures.Add(new BackupResult
                        {
                            Status = BackupResultStatus.Failed, SourceBucket = r.SourceBucket, SourceKey = r.SourceKey, BackupBucket = r.BackupBucket,
                            BackupKey = r.BackupKey, Size = r.Size, StorageClass = found?.StorageClass ?? "", SourceETag = r.SourceETag,
                            BackupETag = found != null ? ETag.Clean(found.ETag) : "", Notes = problem, Timestamp = DateTime.UtcNow, ErrorId = "BackupIncomplete",
                        });
                }
                outcome.Entries.Add(e);
            }
        }

        /// <summary>Why a source has no verified backup, or null when it has one.</summary>
        private static string? Problem(string key, SourceObject s, BackupResult? r, SourceObject? found, bool approved)
        {
            if (r == null) return approved ? "not backed up (the run ended before it)" : "not backed up (declined)";
            if (r.Status == BackupResultStatus.Failed) return r.Notes;
            if (found == null) return "the backup is missing from the listing of the backup location";
            // The one "already migrated?" question, asked of the listing; the branches below only say why not.
            if (!VerificationRule.StillAsJournaled(key, r.Size, r.SourceETag, r.BackupETag, key, s.Size, s.ETag, found.Size, found.ETag))
                return found.Size != s.Size ? $"the backup has {found.Size} bytes, the source {s.Size}"
                    : ETag.Clean(found.ETag) != ETag.Clean(r.BackupETag) ? $"the backup changed after it was verified (ETag {ETag.Clean(found.ETag)}, verified {r.BackupETag})"
                    : "the source changed after its backup was verified; run the backup again";
            if (r.VerifiedBy.Length == 0) return "no proof of equal content is on record";
            return null;
        }
    }
}
