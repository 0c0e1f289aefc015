using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using CsvHelper;
using S3Migration.Model;
using S3Migration.Reports;

namespace S3Migration.Workspace
{
    /// <summary>
    /// inventory_checksums.csv, streamed: one row per object as it is planned. It is written as a .partial file
    /// and renamed when the inventory completes, so a file under the final name is always a whole inventory.
    /// </summary>
    /// <summary>An object the inventory planned to move, as inventory_checksums.csv records it.</summary>
    public sealed class PlannedObject
    {
        public PlannedObject(string rowId, string personName, string fileType, string targetKey) { RowId = rowId; PersonName = personName; FileType = fileType; TargetKey = targetKey; }
        public string RowId { get; }
        public string PersonName { get; }
        public string FileType { get; }
        public string TargetKey { get; }
    }

    public sealed class InventoryChecksumsWriter : IDisposable
    {
        public const string FileName = "inventory_checksums.csv";
        public static readonly string[] Columns =
            { "key", "size", "etag", "md5", "md5_source", "storage_class", "last_modified", "status", "file_type", "target_key", "notes", "row_id", "person_name" };

        private readonly string _path;
        private readonly StreamWriter _text;
        private readonly CsvWriter _csv;
        private bool _done;

        public InventoryChecksumsWriter(string path)
        {
            _path = path;
            _text = new StreamWriter(AtomicFile.PartialPath(path), false, new UTF8Encoding(false));
            _csv = new CsvWriter(_text, CultureInfo.InvariantCulture);
            foreach (var c in Columns) _csv.WriteField(c);
            _csv.NextRecord();
        }

        public void Write(MigrationItem i)
        {
            _csv.WriteField(i.SourceKey);
            _csv.WriteField(i.Size.ToString(CultureInfo.InvariantCulture));
            _csv.WriteField(i.ETag);
            _csv.WriteField(i.Md5);
            _csv.WriteField(i.Md5Source == Md5Source.None ? "" : i.Md5Source.ToString().ToLowerInvariant());
            _csv.WriteField(i.StorageClass);
            _csv.WriteField(i.LastModified?.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture) ?? "");
            _csv.WriteField(i.Status.ToString());
            _csv.WriteField(i.FileType);
            _csv.WriteField(i.TargetKey);
            _csv.WriteField(i.Notes);
            _csv.WriteField(i.RowId);
            _csv.WriteField(i.PersonName);
            _csv.NextRecord();
        }

        /// <summary>Flushes and gives the file its final name.</summary>
        public void Complete()
        {
            _csv.Flush();
            _text.Flush();
            ((FileStream)_text.BaseStream).Flush(true);
            _csv.Dispose();
            _done = true;
            AtomicFile.Commit(AtomicFile.PartialPath(_path), _path);
        }

        /// <summary>
        /// The keys an inventory saw and the ones it planned to move (Planned, or Skipped as already migrated),
        /// as "bucket\nkey", from a workspace's inventory_checksums.csv and inventory_report.json; nulls without them.
        /// </summary>
        public static (HashSet<string>? All, Dictionary<string, PlannedObject>? Planned) ReadKeys(string workspace)
        {
            var csvPath = Path.Combine(workspace, FileName);
            var reportPath = Path.Combine(workspace, InventoryReport.FileName);
            if (!File.Exists(csvPath) || !File.Exists(reportPath)) return (null, null);
            string bucket;
            using (var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(reportPath)))
                bucket = doc.RootElement.GetProperty("source_bucket").GetString() ?? "";
            var all = new HashSet<string>(StringComparer.Ordinal);
            var planned = new Dictionary<string, PlannedObject>(StringComparer.Ordinal);
            using var reader = new StreamReader(csvPath);
            using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
            csv.Read();
            csv.ReadHeader();
            while (csv.Read())
            {
                var key = bucket + "\n" + csv.GetField("key");
                all.Add(key);
                var status = csv.GetField("status");
                if (status == nameof(MigrationItemStatus.Planned) || status == nameof(MigrationItemStatus.Skipped) && csv.GetField("target_key")?.Length > 0)
                    planned[key] = new PlannedObject(csv.GetField("row_id") ?? "", csv.GetField("person_name") ?? "", csv.GetField("file_type") ?? "", csv.GetField("target_key") ?? "");
            }
            return (all, planned);
        }

        /// <summary>Without Complete, the .partial file stays behind, marking an inventory that did not finish.</summary>
        public void Dispose()
        {
            if (!_done) _csv.Dispose();
        }
    }
}
