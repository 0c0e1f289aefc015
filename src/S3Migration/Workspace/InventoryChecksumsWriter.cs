using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using CsvHelper;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>An object the inventory planned to move, as inventory_checksums.csv records it.</summary>
    public sealed class PlannedObject
    {
        public PlannedObject(string rowId, string personName, string fileType, string targetKey) { RowId = rowId; PersonName = personName; FileType = fileType; TargetKey = targetKey; }
        public string RowId { get; }
        public string PersonName { get; }
        public string FileType { get; }
        public string TargetKey { get; }
    }

    /// <summary>One row of inventory_checksums.csv as its readers take it: the object's address and what the inventory decided.</summary>
    public sealed record InventoryRow(S3Location Source, string Status, string TargetKey, string Notes, string RowId, string PersonName, string FileType,
        OrphanReason OrphanReason);

    /// <summary>
    /// inventory_checksums.csv, streamed: one row per object as it is planned. It is written as a .partial file
    /// and renamed when the inventory completes, so a file under the final name is always a whole inventory. Its keys
    /// are read back with the bucket that inventory_report.json names (<see cref="Rows"/>), by every reader of the inventory.
    /// </summary>
    public sealed class InventoryChecksumsWriter : IDisposable
    {
        public const string FileName = "inventory_checksums.csv";
        /// <summary>The inventory's report (Reports/InventoryReport writes it), read here for the bucket of the keys.</summary>
        public const string ReportFileName = "inventory_report.json";
        public static readonly string[] Columns =
            { "key", "size", "etag", "md5", "md5_source", "storage_class", "last_modified", "status", "file_type", "target_key", "notes", "row_id", "person_name", "orphan_reason" };

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
            _csv.WriteField(i.OrphanReason == OrphanReason.None ? "" : i.OrphanReason.ToString());
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
        /// The keys an inventory saw and the ones it planned to move (Planned, or Skipped as already migrated), by source,
        /// from a workspace's inventory_checksums.csv and inventory_report.json; nulls without them.
        /// </summary>
        public static (HashSet<S3Location>? All, Dictionary<S3Location, PlannedObject>? Planned) ReadKeys(string workspace)
        {
            if (!Exists(workspace)) return (null, null);
            var all = new HashSet<S3Location>();
            var planned = new Dictionary<S3Location, PlannedObject>();
            foreach (var r in Rows(workspace))
            {
                all.Add(r.Source);
                if (r.Status == nameof(MigrationItemStatus.Planned) || r.Status == nameof(MigrationItemStatus.Skipped) && r.TargetKey.Length > 0)
                    planned[r.Source] = new PlannedObject(r.RowId, r.PersonName, r.FileType, r.TargetKey);
            }
            return (all, planned);
        }

        /// <summary>
        /// How many objects the workspace's inventory planned to copy (status Planned): the copy's total for its progress
        /// and migration_summary.json. Null without a whole inventory, or one that cannot be read (the copy goes on without a total).
        /// </summary>
        public static long? PlannedCount(string workspace)
        {
            if (!Exists(workspace)) return null;
            try { return Rows(workspace).LongCount(r => r.Status == nameof(MigrationItemStatus.Planned)); }
            catch (Exception ex) when (ex is MigrationException || ex is IOException || ex is CsvHelperException || ex is UnauthorizedAccessException) { return null; }
        }

        /// <summary>Whether the workspace holds a whole inventory: inventory_checksums.csv and inventory_report.json.</summary>
        public static bool Exists(string workspace) =>
            File.Exists(Path.Combine(workspace, FileName)) && File.Exists(Path.Combine(workspace, ReportFileName));

        /// <summary>
        /// The rows of the workspace's inventory, streamed, with the bucket inventory_report.json names; an error that
        /// says to take the inventory again when either file cannot be read as one.
        /// </summary>
        public static IEnumerable<InventoryRow> Rows(string workspace)
        {
            var csvPath = Path.Combine(workspace, FileName);
            var reportPath = Path.Combine(workspace, ReportFileName);
            string bucket;
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(reportPath));
                bucket = doc.RootElement.GetProperty("source_bucket").GetString() ?? "";
            }
            catch (Exception ex) when (ex is JsonException || ex is KeyNotFoundException || ex is InvalidOperationException)
            {
                throw new MigrationException("InventoryMalformed", MigrationErrorKind.InvalidData,
                    $"{ReportFileName} in '{workspace}' has no readable source_bucket ({ex.Message}); run Get-MigrationInventory -WorkspacePath again.", ex, reportPath);
            }
            using var reader = new StreamReader(new FileStream(csvPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), new UTF8Encoding(false));
            using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
            if (!csv.Read() || !csv.ReadHeader()) yield break;
            foreach (var column in new[] { "key", "status", "target_key", "notes" })
                if (!csv.HeaderRecord!.Contains(column))
                    throw new MigrationException("InventoryMalformed", MigrationErrorKind.InvalidData,
                        $"{FileName} in '{workspace}' has no '{column}' column; run Get-MigrationInventory -WorkspacePath again.", target: csvPath);
            while (csv.Read())
                yield return new InventoryRow(new S3Location(bucket, csv.GetField("key") ?? ""), csv.GetField("status") ?? "", csv.GetField("target_key") ?? "",
                    csv.GetField("notes") ?? "", Field(csv, "row_id"), Field(csv, "person_name"), Field(csv, "file_type"), OrphanReasonOf(Field(csv, "orphan_reason")));
        }

        /// <summary>A column of the inventory, "" where the file has none (row_id, person_name and file_type are read leniently, as before).</summary>
        private static string Field(CsvReader csv, string name) => csv.TryGetField<string>(name, out var v) ? v ?? "" : "";

        /// <summary>
        /// The orphan_reason column, the last one: an inventory written before it existed, an empty cell (not an orphan) or a
        /// word this version does not know all read as None, which the final report labels by the generic word "orphan".
        /// </summary>
        private static OrphanReason OrphanReasonOf(string text) =>
            Enum.GetValues<OrphanReason>().FirstOrDefault(r => r.ToString() == text);

        /// <summary>Without Complete, the .partial file stays behind, marking an inventory that did not finish.</summary>
        public void Dispose()
        {
            if (!_done) _csv.Dispose();
        }
    }
}
