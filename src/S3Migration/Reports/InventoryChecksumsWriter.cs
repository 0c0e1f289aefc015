using System;
using System.Globalization;
using System.IO;
using System.Text;
using CsvHelper;
using S3Migration.Planning;
using S3Migration.Workspace;

namespace S3Migration.Reports
{
    /// <summary>
    /// inventory_checksums.csv, streamed: one row per object as it is planned. It is written as a .partial file
    /// and renamed when the inventory completes, so a file under the final name is always a whole inventory.
    /// </summary>
    public sealed class InventoryChecksumsWriter : IDisposable
    {
        public const string FileName = "inventory_checksums.csv";
        public static readonly string[] Columns =
            { "key", "size", "etag", "md5", "md5_source", "storage_class", "last_modified", "status", "file_type", "target_key", "notes" };

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

        /// <summary>Without Complete, the .partial file stays behind, marking an inventory that did not finish.</summary>
        public void Dispose()
        {
            if (!_done) _csv.Dispose();
        }
    }
}
