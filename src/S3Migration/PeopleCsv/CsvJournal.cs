using System;
using System.Collections.Generic;
using System.IO;
using S3Migration.Model;
using S3Migration.Workspace;

namespace S3Migration.PeopleCsv
{
    /// <summary>
    /// The copies Update-OutputCsv reads from the journal: <see cref="CopyJournal.LastWordPerSource(string)"/>'s meaning
    /// (per source, its last verified row, else its last row, in the order the journal first names it), streamed from the
    /// file one row at a time and keeping of each copy only what the CSV update reads (row, person, type, source, target,
    /// verified). The CSV of a million people has a journal of millions of rows; holding each as a full row, and then
    /// as a full copy, cost about 800 bytes a copy (issue 13).
    /// </summary>
    public static class CsvJournal
    {
        public static List<ExpectedCopy> LastWordPerSource(string workspace)
        {
            var path = CopyJournal.PathIn(workspace);
            if (!File.Exists(path))
                throw new MigrationException("JournalNotFound", MigrationErrorKind.NotFound,
                    $"No {MigrationJournal.FileName} in '{workspace}': run Copy-PersonFiles with this -WorkspacePath first.", target: path);
            var at = new Dictionary<S3Location, int>();
            var copies = new List<ExpectedCopy>();
            // Few distinct values (buckets, file types), and a person's rows follow one another: shared, not copied per row.
            var common = new Dictionary<string, string>(StringComparer.Ordinal);
            string Common(string s) { if (common.TryGetValue(s, out var c)) return c; if (common.Count < 10_000) common[s] = s; return s; }
            string lastRowId = "", lastName = "";
            try
            {
                using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                JournalReader.Read(s, r =>
                {
                    if (r.RowId == lastRowId) r.RowId = lastRowId; else lastRowId = r.RowId;
                    if (r.PersonName == lastName) r.PersonName = lastName; else lastName = r.PersonName;
                    var e = new ExpectedCopy
                    {
                        Migrated = r.VerificationStatus == JournalRow.Verified, RowId = r.RowId, PersonName = r.PersonName, FileType = Common(r.FileType),
                        SourceBucket = Common(r.SourceBucket), SourceKey = r.SourceKey, TargetBucket = Common(r.TargetBucket), TargetKey = r.TargetKey,
                    };
                    var source = new S3Location(e.SourceBucket, e.SourceKey);
                    if (!at.TryGetValue(source, out var i)) { at[source] = copies.Count; copies.Add(e); return; }
                    if (e.Migrated || !copies[i].Migrated) copies[i] = e;
                });
            }
            catch (InvalidDataException ex) { throw new MigrationException("JournalMalformed", MigrationErrorKind.InvalidData, ex.Message, ex, path); }
            return copies;
        }
    }
}
