using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// What the copy journal (migration_log.csv) says, each meaning once and by name, for every phase that reads it:
    /// <list type="bullet">
    /// <item><see cref="Attempts(string)"/>: every row, one per attempt (the lessons learned, the certificate, the cleanup);</item>
    /// <item><see cref="LastWordPerSource(IReadOnlyList{JournalRow})"/>: per source, its last verified row, else its last row
    /// (the integrity check, the rollback, the CSV update, the URL check, the certificate, the final report);</item>
    /// <item><see cref="TakeForResume"/> and <see cref="VerifiedBySource"/>: per source, its last verified row unless a later
    /// attempt failed or conflicted (what a re-run skips: the copy, the backup, the inventory's plan);</item>
    /// <item><see cref="JournaledSources"/>: every source any run journaled (what was not left out of the copy by choice).</item>
    /// </list>
    /// </summary>
    public static class CopyJournal
    {
        public static string PathIn(string workspace) => Path.Combine(workspace, MigrationJournal.FileName);

        /// <summary>Every row of the workspace's journal, in order, or an error that says to run the copy first.</summary>
        public static List<JournalRow> Attempts(string workspace)
        {
            var path = PathIn(workspace);
            if (!File.Exists(path))
                throw new MigrationException("JournalNotFound", MigrationErrorKind.NotFound,
                    $"No {MigrationJournal.FileName} in '{workspace}': run Copy-PersonFiles with this -WorkspacePath first.", target: path);
            try { return JournalReader.ReadFile(path); }
            catch (InvalidDataException ex) { throw new MigrationException("JournalMalformed", MigrationErrorKind.InvalidData, ex.Message, ex, path); }
        }

        /// <summary>The copies of the workspace's journal (<see cref="LastWordPerSource(IReadOnlyList{JournalRow})"/>).</summary>
        public static List<ExpectedCopy> LastWordPerSource(string workspace) => LastWordPerSource(Attempts(workspace));

        /// <summary>
        /// The copies of a journal: for each source (in the order the journal first names it), its last verified row, else
        /// its last row; a verified one carries why a rollback must keep its destination (<see cref="KeepReasons"/>).
        /// </summary>
        public static List<ExpectedCopy> LastWordPerSource(IReadOnlyList<JournalRow> attempts)
        {
            var keep = KeepReasons(attempts);
            return LastWordRows(attempts).Select(r =>
            {
                var e = r.ToExpectedCopy();
                if (e.Migrated && keep.TryGetValue(r.Target(), out var why)) e.Keep = why;
                return e;
            }).ToList();
        }

        /// <summary>The rows <see cref="LastWordPerSource(IReadOnlyList{JournalRow})"/> is made of: per source, its last verified row, else its last row.</summary>
        public static List<JournalRow> LastWordRows(IEnumerable<JournalRow> attempts)
        {
            var last = new Dictionary<string, JournalRow>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (var r in attempts)
            {
                var path = r.OldPath;
                if (!last.TryGetValue(path, out var seen)) { order.Add(path); last[path] = r; continue; }
                if (r.VerificationStatus == JournalRow.Verified || seen.VerificationStatus != JournalRow.Verified) last[path] = r;
            }
            return order.Select(p => last[p]).ToList();
        }

        /// <summary>Per source path, its last verified row (a later failure does not withdraw it here): what the copy proved, and when.</summary>
        public static Dictionary<string, JournalRow> LastVerifiedPerSource(IEnumerable<JournalRow> attempts) =>
            LastWordRows(attempts).Where(r => r.VerificationStatus == JournalRow.Verified).ToDictionary(r => r.OldPath, StringComparer.Ordinal);

        /// <summary>
        /// Per destination, why a rollback must keep it, from its verified rows in journal order (by their typed origin): a
        /// copy the migration made created the object; a comparison that found identical content created nothing; a -Force
        /// copy replaced other content, unless the migration had created that content itself.
        /// </summary>
        private static Dictionary<S3Location, string> KeepReasons(IEnumerable<JournalRow> attempts)
        {
            var created = new HashSet<S3Location>();
            var keep = new Dictionary<S3Location, string>();
            foreach (var r in attempts.Where(r => r.VerificationStatus == JournalRow.Verified))
            {
                var target = r.Target();
                var ours = created.Contains(target);
                if (r.FoundIdentical) { if (!ours && !keep.ContainsKey(target)) keep[target] = ExpectedCopy.KeepFoundIdentical; }
                else if (r.Overwrote) { if (!ours) keep[target] = ExpectedCopy.KeepOverwritten; }
                else { created.Add(target); keep.Remove(target); }
            }
            return keep;
        }

        /// <summary>
        /// The resume's meaning, one row at a time (in journal order): a verified row records its source as done; a later
        /// failed or conflicting attempt (say, the source changed) withdraws that. <paramref name="source"/> names the row's
        /// source in the table's own terms (its path, or <see cref="VerifiedRows"/>' digest of it).
        /// </summary>
        public static void TakeForResume<TKey, T>(IDictionary<TKey, T> verified, TKey source, JournalRow row, Func<JournalRow, T> keep)
        {
            if (row.VerificationStatus == JournalRow.Verified) verified[source] = keep(row);
            else verified.Remove(source);
        }

        /// <summary>
        /// The resume's meaning of the workspace's journal (<see cref="TakeForResume"/>), by source path, without holding the
        /// rows (<see cref="VerifiedRows"/>: a digest and a file offset per source); null when there is no journal.
        /// </summary>
        public static VerifiedRows? VerifiedBySource(string workspace)
        {
            var path = PathIn(workspace);
            return File.Exists(path) ? VerifiedRows.Read(path) : null;
        }

        /// <summary>Every source any run of the workspace journaled, whatever became of it; empty without a journal.</summary>
        public static HashSet<S3Location> JournaledSources(string workspace)
        {
            var journaled = new HashSet<S3Location>();
            var path = PathIn(workspace);
            if (!File.Exists(path)) return journaled;
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            JournalReader.Read(s, r => journaled.Add(r.Source()));
            return journaled;
        }
    }
}
