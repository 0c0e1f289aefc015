using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.Workspace;

namespace S3Migration.Reports
{
    /// <summary>
    /// inventory_report.json: persons with counts and bytes per type, orphans, conflicts, CSV rows with no files,
    /// totals. It holds per-person counters only; lists of orphans and conflicts are capped, and the full list is
    /// inventory_checksums.csv, which has every object with its status.
    /// </summary>
    public sealed class InventoryReport
    {
        public const string FileName = InventoryChecksumsWriter.ReportFileName;
        public const int ListCap = 10000;

        private sealed class Tally { public long Count; public long Bytes; }
        private sealed class Person
        {
            public string RowId = "", Name = "";
            public readonly SortedSet<string> Folders = new SortedSet<string>(StringComparer.Ordinal);
            public readonly SortedDictionary<string, Tally> Types = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
            public readonly Tally Total = new Tally();
            public bool NoCsvRow;
        }

        private readonly Dictionary<string, Person> _persons = new Dictionary<string, Person>(StringComparer.Ordinal);
        private readonly SortedDictionary<string, Tally> _byType = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        private readonly SortedDictionary<string, Tally> _byStatus = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        private readonly List<(string Key, string Reason)> _orphans = new List<(string, string)>();
        private readonly List<(string Key, string Target, string Reason)> _conflicts = new List<(string, string, string)>();
        private readonly Tally _total = new Tally();
        private long _orphanCount, _conflictCount, _md5Missing;

        public void Add(MigrationItem item)
        {
            Bump(_total, item.Size);
            Bump(Get(_byStatus, item.Status.ToString()), item.Size);
            if (item.Status == MigrationItemStatus.Orphan)
            {
                if (_orphanCount++ < ListCap) _orphans.Add((item.SourceKey, item.Notes));
            }
            if (item.Status == MigrationItemStatus.Conflict)
            {
                if (_conflictCount++ < ListCap) _conflicts.Add((item.SourceKey, item.TargetKey, item.Notes));
            }
            if (item.Status != MigrationItemStatus.Orphan && item.Md5Source == Md5Source.None && item.RowId.Length > 0) _md5Missing++;
            if (item.RowId.Length == 0) return;

            var id = PersonPattern.NormalizeRowId(item.RowId);
            if (!_persons.TryGetValue(id, out var p)) _persons[id] = p = new Person { RowId = item.RowId, Name = item.PersonName };
            p.Folders.Add(item.PersonDirectory);
            Bump(p.Total, item.Size);
            if (item.Status == MigrationItemStatus.Orphan) { p.NoCsvRow |= item.OrphanReason == OrphanReason.NoCsvRow; return; }
            Bump(Get(p.Types, item.FileType), item.Size);
            Bump(Get(_byType, item.FileType), item.Size);
        }

        public long Objects => _total.Count;

        /// <summary>Writes the report; <paramref name="csvRows"/> (when a CSV was given) names rows with no files.</summary>
        public void Write(string path, InventoryRunInfo run, IReadOnlyDictionary<string, PersonRow>? csvRows)
        {
            AtomicFile.Write(path, stream =>
            {
                using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                w.WriteStartObject();
                w.WriteString("generated_at", run.Finished.ToString("o"));
                w.WriteString("started_at", run.Started.ToString("o"));
                w.WriteString("source_bucket", run.SourceBucket);
                w.WriteString("source_prefix", run.SourcePrefix);
                w.WriteString("destination_bucket", run.DestinationBucket);
                w.WriteString("destination_prefix", run.DestinationPrefix);
                w.WriteString("person_pattern", run.PersonPattern);
                w.WriteString("csv_path", run.CsvPath ?? "");

                w.WriteStartObject("totals");
                w.WriteNumber("objects", _total.Count);
                w.WriteNumber("bytes", _total.Bytes);
                // persons counts every entry of the persons list (each person folder found, with or without a CSV row);
                // persons_without_csv_row those of them whose files are orphans for want of a row; csv_rows_without_files
                // the CSV rows no folder matched (not in the persons list).
                var withoutFiles = csvRows?.Values.Where(r => !_persons.ContainsKey(PersonPattern.NormalizeRowId(r.RowId))).OrderBy(r => r.Line).ToList() ?? new List<PersonRow>();
                w.WriteNumber("persons", _persons.Count);
                w.WriteNumber("persons_without_csv_row", _persons.Values.Count(p => p.NoCsvRow || (csvRows != null && !csvRows.ContainsKey(PersonPattern.NormalizeRowId(p.RowId)))));
                w.WriteNumber("csv_rows_without_files", withoutFiles.Count);
                foreach (var s in Enum.GetNames(typeof(MigrationItemStatus)))
                {
                    var t = _byStatus.TryGetValue(s, out var v) ? v : new Tally();
                    w.WriteStartObject(s.ToLowerInvariant());
                    w.WriteNumber("count", t.Count);
                    w.WriteNumber("bytes", t.Bytes);
                    w.WriteEndObject();
                }
                w.WriteNumber("md5_unknown", _md5Missing);
                w.WriteEndObject();

                w.WriteStartObject("by_type");
                foreach (var t in _byType) WriteTally(w, t.Key, t.Value);
                w.WriteEndObject();

                w.WriteStartArray("persons");
                foreach (var p in _persons.Values.OrderBy(p => p.RowId.Length).ThenBy(p => p.RowId, StringComparer.Ordinal))
                {
                    w.WriteStartObject();
                    w.WriteString("row_id", p.RowId);
                    w.WriteString("name", p.Name);
                    w.WriteStartArray("folders");
                    foreach (var f in p.Folders) w.WriteStringValue(f);
                    w.WriteEndArray();
                    if (csvRows != null) w.WriteBoolean("in_csv", csvRows.ContainsKey(PersonPattern.NormalizeRowId(p.RowId)));
                    w.WriteNumber("files", p.Total.Count);
                    w.WriteNumber("bytes", p.Total.Bytes);
                    w.WriteStartObject("by_type");
                    foreach (var t in p.Types) WriteTally(w, t.Key, t.Value);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();

                w.WriteNumber("orphan_count", _orphanCount);
                w.WriteStartArray("orphans");
                foreach (var o in _orphans)
                {
                    w.WriteStartObject(); w.WriteString("key", o.Key); w.WriteString("reason", o.Reason); w.WriteEndObject();
                }
                w.WriteEndArray();

                w.WriteNumber("conflict_count", _conflictCount);
                w.WriteStartArray("conflicts");
                foreach (var c in _conflicts)
                {
                    w.WriteStartObject(); w.WriteString("key", c.Key); w.WriteString("target_key", c.Target); w.WriteString("reason", c.Reason); w.WriteEndObject();
                }
                w.WriteEndArray();

                w.WriteStartArray("csv_rows_without_files");
                foreach (var row in withoutFiles)
                {
                    w.WriteStartObject(); w.WriteString("row_id", row.RowId); w.WriteString("name", row.Name); w.WriteNumber("line", row.Line); w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }

        private static void WriteTally(Utf8JsonWriter w, string name, Tally t)
        {
            w.WriteStartObject(name);
            w.WriteNumber("count", t.Count);
            w.WriteNumber("bytes", t.Bytes);
            w.WriteEndObject();
        }

        private static Tally Get(IDictionary<string, Tally> d, string key)
        {
            if (!d.TryGetValue(key, out var t)) d[key] = t = new Tally();
            return t;
        }

        private static void Bump(Tally t, long bytes) { t.Count++; t.Bytes += bytes; }
    }

    public sealed class InventoryRunInfo
    {
        public DateTime Started { get; set; }
        public DateTime Finished { get; set; }
        public string SourceBucket { get; set; } = "";
        public string SourcePrefix { get; set; } = "";
        public string DestinationBucket { get; set; } = "";
        public string DestinationPrefix { get; set; } = "";
        public string PersonPattern { get; set; } = "";
        public string? CsvPath { get; set; }
    }
}
