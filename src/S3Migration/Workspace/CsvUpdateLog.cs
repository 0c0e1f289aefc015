using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace S3Migration.Workspace
{
    /// <summary>One replacement of the people CSV, as csv_update.json in the workspace records it.</summary>
    public sealed class CsvUpdateRecord
    {
        /// <summary>Update-OutputCsv rewrote the CSV's URLs.</summary>
        public const string Update = "update";
        /// <summary>Restore-OutputCsv put a backup back.</summary>
        public const string Restore = "restore";

        public string CsvPath { get; set; } = "";
        public string BackupPath { get; set; } = "";
        public string BackupMd5 { get; set; } = "";
        public string UpdatedMd5 { get; set; } = "";
        public DateTime UpdatedAt { get; set; }
        public string Action { get; set; } = Update;
    }

    /// <summary>
    /// csv_update.json in the workspace: every replacement of the people CSV (Update-OutputCsv's rewrites and
    /// Restore-OutputCsv's restores), appended and written whole (AtomicFile). The first update's backup is the CSV as it
    /// was before any rewrite: the restore, the rollback plan and the workspace archive read it from here.
    /// </summary>
    public static class CsvUpdateLog
    {
        public const string FileName = "csv_update.json";

        public static string PathIn(string workspace) => Path.Combine(workspace, FileName);

        public static List<CsvUpdateRecord> Read(string workspace)
        {
            var file = PathIn(workspace);
            if (!File.Exists(file)) return new List<CsvUpdateRecord>();
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            return doc.RootElement.GetProperty("updates").EnumerateArray().Select(u => new CsvUpdateRecord
            {
                CsvPath = u.GetProperty("csv_path").GetString() ?? "",
                BackupPath = u.GetProperty("backup_path").GetString() ?? "",
                BackupMd5 = u.GetProperty("backup_md5").GetString() ?? "",
                UpdatedMd5 = u.GetProperty("updated_md5").GetString() ?? "",
                UpdatedAt = u.GetProperty("updated_at").GetDateTime().ToUniversalTime(),
                Action = u.TryGetProperty("action", out var a) ? a.GetString() ?? CsvUpdateRecord.Update : CsvUpdateRecord.Update,
            }).ToList();
        }

        /// <summary>Adds one replacement, keeping the earlier ones: the first backup is the CSV as it was before any rewrite.</summary>
        public static void Append(string workspace, CsvUpdateRecord record)
        {
            AtomicFile.EnsureFolder(workspace);
            var all = Read(workspace);
            all.Add(record);
            WriteAll(workspace, all);
        }

        /// <summary>Puts the log back as <see cref="Read"/> gave it (no file when it was empty): a replacement that never happened goes.</summary>
        public static void Reset(string workspace, List<CsvUpdateRecord> before)
        {
            if (before.Count > 0) WriteAll(workspace, before);
            else File.Delete(PathIn(workspace));
        }

        private static void WriteAll(string workspace, List<CsvUpdateRecord> all)
        {
            AtomicFile.Write(PathIn(workspace), stream =>
            {
                using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                w.WriteStartObject();
                w.WriteStartArray("updates");
                foreach (var u in all)
                {
                    w.WriteStartObject();
                    w.WriteString("action", u.Action);
                    w.WriteString("csv_path", u.CsvPath);
                    w.WriteString("backup_path", u.BackupPath);
                    w.WriteString("backup_md5", u.BackupMd5);
                    w.WriteString("updated_md5", u.UpdatedMd5);
                    w.WriteString("updated_at", u.UpdatedAt.ToString("o"));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("restore", $"Restore-OutputCsv -WorkspacePath '{workspace}'   # checks the backup's MD5, then puts the CSV back as it was before the first update");
                w.WriteEndObject();
            });
        }
    }
}
