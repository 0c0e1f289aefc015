using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// Which of the people CSV's backups the workspace archive takes in. They live beside the CSV (outputs/backups/),
    /// not in the workspace, so they are found through what the workspace records of the CSV and its backups.
    /// </summary>
    public static class ArchivedCsvBackups
    {
        /// <summary>
        /// The people CSV's backups that belong to this migration and lie outside the workspace: every backup named in
        /// csv_update.json (Update-OutputCsv's, and the ones Restore-OutputCsv saved), and, in the backups folder beside each
        /// CSV the workspace names (migration_state.json, inventory_report.json, csv_update.json), the files Backup-OutputCsv,
        /// Update-OutputCsv and Restore-OutputCsv name after that CSV (output_YYYYMMDD_HHMMSS_pre_migration.csv,
        /// output_pre_url_update*.csv, output_*_pre_restore.csv), each with its .md5 and .gz; plus <paramref name="extra"/>
        /// (files, or folders whose files all count). Full paths, sorted, each once.
        /// </summary>
        public static List<string> Find(string workspace, IEnumerable<string>? extra = null)
        {
            workspace = Path.GetFullPath(workspace);
            var found = new SortedSet<string>(StringComparer.Ordinal);
            void Add(string f)
            {
                var full = Path.GetFullPath(f);
                if (File.Exists(full) && !InFolder(full, workspace)) found.Add(full);
            }
            var updates = CsvUpdateLog.Read(workspace);
            foreach (var backup in updates.Select(u => u.BackupPath).Where(p => p.Length > 0))
                foreach (var f in new[] { backup, backup + ".md5", backup + ".gz" }) Add(f);
            var csvs = new HashSet<string>(updates.Select(u => u.CsvPath).Where(p => p.Length > 0), StringComparer.Ordinal);
            if (MigrationState.Load(workspace).CsvPath is string stateCsv) csvs.Add(stateCsv);
            if (InventoryCsvPath(workspace) is string inventoryCsv) csvs.Add(inventoryCsv);
            foreach (var csv in csvs)
            {
                var folder = CsvBackupNames.DefaultFolder(csv);
                if (!Directory.Exists(folder)) continue;
                var named = CsvBackupNames.Pattern(csv);
                foreach (var f in Directory.EnumerateFiles(folder).Where(f => named.IsMatch(Path.GetFileName(f)))) Add(f);
            }
            foreach (var p in extra ?? Enumerable.Empty<string>())
            {
                if (Directory.Exists(p)) foreach (var f in Directory.EnumerateFiles(p)) Add(f);
                else if (File.Exists(p)) Add(p);
                else throw new MigrationException("CsvBackupNotFound", MigrationErrorKind.NotFound, $"-CsvBackupPath '{p}' is neither a file nor a folder.", target: p);
            }
            return found.ToList();
        }

        private static string? InventoryCsvPath(string workspace)
        {
            var path = Path.Combine(workspace, "inventory_report.json");
            if (!File.Exists(path)) return null;
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
                return doc.RootElement.TryGetProperty("csv_path", out var c) && c.GetString() is { Length: > 0 } p ? p : null;
            }
            catch (System.Text.Json.JsonException) { return null; }
        }

        private static bool InFolder(string file, string folder) =>
            file.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
