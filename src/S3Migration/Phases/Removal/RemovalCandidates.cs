using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;
using S3Migration.Workspace;

namespace S3Migration.Phases.Removal
{
    /// <summary>Which sources of the journal a run looks at, and the result each one starts from.</summary>
    public static class RemovalCandidates
    {
        /// <summary>
        /// The candidates: sources whose latest journal row is verified (a later failed or conflicting attempt
        /// withdraws an earlier verification), minus those an earlier run's deletion_log already deleted after that
        /// copy. Sources asked for by <see cref="RemovalOptions.Only"/> that are not candidates come back as Kept.
        /// </summary>
        /// <param name="deletionRows">deletion_log.csv's rows, with the rows that settle an interrupted run's intents</param>
        public static (List<JournalRow> Candidates, List<RemovalResult> NotEligible, int AlreadyDeleted) Select(string workspace, ISet<string>? only, IEnumerable<DeletionRow> deletionRows)
        {
            var latest = new Dictionary<string, JournalRow>(StringComparer.Ordinal);
            var order = new List<string>();
            var destinations = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in CopyJournal.Attempts(workspace))
            {
                if (!latest.ContainsKey(r.OldPath)) order.Add(r.OldPath);
                latest[r.OldPath] = r;
                if (r.NewPath.Length > 0) destinations.Add(r.NewPath);
            }
            var deleted = new Dictionary<string, DateTime>(StringComparer.Ordinal);
            foreach (var d in DeletionJournal.Outcomes(deletionRows).Values)
                if (d.IsGone && d.DeletedAt.HasValue) deleted[d.SourcePath] = d.DeletedAt.Value;

            var candidates = new List<JournalRow>();
            var notEligible = new List<RemovalResult>();
            var already = 0;
            foreach (var path in order)
            {
                if (only != null && !only.Contains(path)) continue;
                var r = latest[path];
                if (r.VerificationStatus != JournalRow.Verified)
                {
                    notEligible.Add(ResultOf(r, RemovalStatus.Kept, $"the journal's latest row for it is '{r.VerificationStatus}', not verified{(r.Error.Length > 0 ? ": " + r.Error : "")}"));
                    continue;
                }
                // A key that some copy wrote to is part of the new layout, never an old source (an in-place migration).
                if (destinations.Contains(path))
                {
                    notEligible.Add(ResultOf(r, RemovalStatus.Kept, "the key is also a destination of this migration; destinations are never deleted"));
                    continue;
                }
                if (deleted.TryGetValue(path, out var at) && at >= r.Timestamp) { already++; continue; }
                candidates.Add(r);
            }
            if (only != null)
                foreach (var path in only.Where(p => !latest.ContainsKey(p)).OrderBy(p => p, StringComparer.Ordinal))
                {
                    var never = new RemovalResult { Status = RemovalStatus.Kept, Notes = "not in the workspace's migration_log.csv: it was never copied" };
                    (never.SourceBucket, never.SourceKey) = At(path);
                    notEligible.Add(never);
                }
            return (candidates, notEligible, already);
        }

        /// <summary>The result of one journaled copy: the plan's addresses, and the size and ETag the source must still have.</summary>
        public static RemovalResult ResultOf(JournalRow r, RemovalStatus status, string notes = "")
        {
            var result = new RemovalResult
            {
                Status = status, Notes = notes, RowId = r.RowId, PersonName = r.PersonName, FileType = r.FileType,
                Size = r.Size, SourceETag = ETag.Clean(r.SourceETag),
            };
            (result.SourceBucket, result.SourceKey) = At(r.OldPath);
            (result.TargetBucket, result.TargetKey) = At(r.NewPath);
            return result;
        }

        /// <summary>A journal path (s3://bucket/key) as a location; an empty path is an empty one.</summary>
        internal static S3Location At(string path) => S3Location.TryParse(path) ?? new S3Location("", "");
    }
}
