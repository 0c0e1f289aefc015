using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// archive_record.json in the workspace: every archive Compress-MigrationWorkspace wrote, where (the local path and
    /// its SHA-256), and where it was uploaded (s3://bucket/key, the ETag the HEAD showed, the storage class, when), so
    /// "document location" of plan phase 5 is a file, not a memory. One entry per archive, appended; the file is rewritten
    /// whole (AtomicFile), so a crash leaves the previous record, never a torn one.
    /// </summary>
    public static class ArchiveRecord
    {
        public const string FileName = "archive_record.json";

        public static string PathIn(string workspace) => Path.Combine(workspace, FileName);

        /// <summary>Adds the archive to the record, or updates its entry (same path and SHA-256) after the upload.</summary>
        public static void Write(string workspace, ArchiveResult a)
        {
            var path = PathIn(workspace);
            var entries = Read(workspace);
            var i = entries.FindIndex(e => Str(e, "path") == a.Path && Str(e, "sha256") == a.Sha256);
            var entry = ToJson(a);
            if (i >= 0) entries[i] = entry; else entries.Add(entry);
            AtomicFile.Write(path, stream =>
            {
                using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                w.WriteStartObject();
                w.WriteStartArray("archives");
                foreach (var e in entries) e.WriteTo(w);
                w.WriteEndArray();
                w.WriteString("verify", "Test-MigrationArchive -Path <path>   # the zip against its .sha256 and every entry against SHA256SUMS; restore a GLACIER or DEEP_ARCHIVE object before downloading it");
                w.WriteEndObject();
            });
            a.RecordPath = path;
        }

        /// <summary>The recorded archives, oldest first (none without the file).</summary>
        public static List<JsonElement> Read(string workspace)
        {
            var path = PathIn(workspace);
            if (!File.Exists(path)) return new List<JsonElement>();
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                return doc.RootElement.GetProperty("archives").EnumerateArray().Select(e => e.Clone()).ToList();
            }
            catch (Exception ex) when (ex is JsonException || ex is KeyNotFoundException || ex is InvalidOperationException)
            {
                throw new MigrationException("ArchiveRecordMalformed", MigrationErrorKind.InvalidData,
                    $"{FileName} in '{workspace}' is not readable ({ex.Message}); it records where earlier archives went. Repair it, or move it away to start a new record.", ex, path);
            }
        }

        private static JsonElement ToJson(ArchiveResult a)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartObject();
                w.WriteString("path", a.Path);
                w.WriteString("sha256", a.Sha256);
                w.WriteNumber("size", a.Size);
                w.WriteNumber("files", a.FileCount);
                w.WriteNumber("csv_backups", a.CsvBackups);
                w.WriteString("written_at", Time(a.WrittenAt));
                if (a.UploadedTo.Length > 0) w.WriteString("uploaded_to", a.UploadedTo); else w.WriteNull("uploaded_to");
                if (a.ETag.Length > 0) w.WriteString("etag", a.ETag); else w.WriteNull("etag");
                if (a.UploadedTo.Length > 0 && a.StorageClass.Length > 0) w.WriteString("storage_class", a.StorageClass); else w.WriteNull("storage_class");
                if (a.UploadedAt.HasValue) w.WriteString("uploaded_at", Time(a.UploadedAt.Value)); else w.WriteNull("uploaded_at");
                w.WriteString("status", a.Status);
                w.WriteString("notes", a.Notes);
                w.WriteEndObject();
            }
            using var doc = JsonDocument.Parse(ms.ToArray());
            return doc.RootElement.Clone();
        }

        private static string Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
        private static string Time(DateTime t) => t.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture);
    }
}
