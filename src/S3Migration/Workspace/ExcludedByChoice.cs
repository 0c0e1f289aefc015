using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using CsvHelper;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>One planned file the operator left out of the copy.</summary>
    public sealed class ExcludedFile
    {
        public string SourceBucket { get; set; } = "";
        public string SourceKey { get; set; } = "";
        public string TargetKey { get; set; } = "";
        public string FileType { get; set; } = "";
        public string RowId { get; set; } = "";
        public string PersonName { get; set; } = "";
        /// <summary>The end of the copy run that found it left out.</summary>
        public DateTime ExcludedAt { get; set; }
    }

    /// <summary>
    /// excluded_by_choice.csv: the files the inventory planned that never reached Copy-PersonFiles, because a filter
    /// between the two (say <c>Where-Object FileType -ne '_unknown'</c>) held them back. Test-MigrationIntegrity reports
    /// them Excluded, not Missing, so a deliberate choice does not set off the 30-day watch every day.
    /// Copy-PersonFiles rewrites the file at the end of each run that was not stopped: the planned files with no row in
    /// the journal. A later run that copies one of them journals it, which lifts its exclusion. Written atomically.
    /// </summary>
    public static class ExcludedByChoice
    {
        public const string FileName = "excluded_by_choice.csv";
        public static readonly string[] Columns = { "old_s3_path", "target_key", "file_type", "row_id", "person_name", "excluded_at" };

        /// <summary>
        /// The rule: a planned file (inventory <paramref name="planned"/>) is excluded by choice when no copy run has
        /// journaled it (<paramref name="journaled"/>, <see cref="CopyJournal.JournaledSources"/>).
        /// </summary>
        public static List<ExcludedFile> Find(IReadOnlyDictionary<S3Location, PlannedObject> planned, ISet<S3Location> journaled, DateTime at)
        {
            var list = new List<ExcludedFile>();
            foreach (var p in planned.OrderBy(p => p.Key.Bucket, StringComparer.Ordinal).ThenBy(p => p.Key.Key, StringComparer.Ordinal))
            {
                if (journaled.Contains(p.Key)) continue;
                list.Add(new ExcludedFile
                {
                    SourceBucket = p.Key.Bucket, SourceKey = p.Key.Key, TargetKey = p.Value.TargetKey, FileType = p.Value.FileType,
                    RowId = p.Value.RowId, PersonName = p.Value.PersonName, ExcludedAt = at,
                });
            }
            return list;
        }

        /// <summary>
        /// After a copy run that was not stopped: records what the workspace's inventory planned and no run journaled.
        /// Returns the files recorded, or null when the workspace holds no inventory (then nothing can be told apart).
        /// </summary>
        public static List<ExcludedFile>? Record(string workspace, DateTime at)
        {
            var (_, planned) = InventoryChecksumsWriter.ReadKeys(workspace);
            if (planned == null) return null;
            var excluded = Find(planned, CopyJournal.JournaledSources(workspace), at);
            Write(workspace, excluded);
            return excluded;
        }

        public static void Write(string workspace, IEnumerable<ExcludedFile> files) =>
            AtomicFile.Write(Path.Combine(workspace, FileName), stream =>
            {
                using var text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
                foreach (var c in Columns) csv.WriteField(c);
                csv.NextRecord();
                foreach (var f in files)
                {
                    csv.WriteField(new S3Location(f.SourceBucket, f.SourceKey).ToString());
                    csv.WriteField(f.TargetKey);
                    csv.WriteField(f.FileType);
                    csv.WriteField(f.RowId);
                    csv.WriteField(f.PersonName);
                    csv.WriteField(f.ExcludedAt.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
                    csv.NextRecord();
                }
            });

        /// <summary>The workspace's exclusions by source; empty when the file does not exist.</summary>
        public static Dictionary<S3Location, ExcludedFile> Read(string workspace)
        {
            var result = new Dictionary<S3Location, ExcludedFile>();
            var path = Path.Combine(workspace, FileName);
            if (!File.Exists(path)) return result;
            using var reader = new StreamReader(path, new UTF8Encoding(false));
            using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
            if (!csv.Read() || !csv.ReadHeader()) return result;
            while (csv.Read())
            {
                var (bucket, key) = ExpectedCopy.SplitPath(csv.GetField("old_s3_path") ?? "");
                if (key.Length == 0) continue;
                DateTime.TryParse(csv.GetField("excluded_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at);
                result[new S3Location(bucket, key)] = new ExcludedFile
                {
                    SourceBucket = bucket, SourceKey = key, TargetKey = csv.GetField("target_key") ?? "",
                    FileType = csv.GetField("file_type") ?? "", RowId = csv.GetField("row_id") ?? "", PersonName = csv.GetField("person_name") ?? "", ExcludedAt = at,
                };
            }
            return result;
        }
    }
}
