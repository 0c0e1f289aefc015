using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

namespace S3Migration.Workspace
{
    /// <summary>
    /// Where the people CSV's backups live and what they are called, in one place: the backups folder beside the CSV
    /// (outputs/backups/), the phase-1 backup (output_YYYYMMDD_HHMMSS_pre_migration.csv), the update's
    /// (output_pre_url_update.csv) and the restore's (output_YYYYMMDD_HHMMSS_pre_restore.csv), each with its .md5 and .gz.
    /// Backup-OutputCsv, Update-OutputCsv and Restore-OutputCsv write these names; the workspace archive finds them by them.
    /// </summary>
    public static class CsvBackupNames
    {
        public const string FolderName = "backups";
        public const string PreMigration = "_pre_migration";
        public const string PreUrlUpdate = "_pre_url_update";
        public const string PreRestore = "_pre_restore";

        /// <summary>The folder beside the CSV that holds its backups: outputs/output.csv -> outputs/backups.</summary>
        public static string DefaultFolder(string csvPath) =>
            Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csvPath)) ?? ".", FolderName);

        /// <summary>output.csv -> output_20250301_120000_pre_migration.csv, the plan's name for the phase-1 backup.</summary>
        public static string PreMigrationName(string csvPath, DateTime utc) =>
            $"{Path.GetFileNameWithoutExtension(csvPath)}_{utc:yyyyMMdd_HHmmss}{PreMigration}{Path.GetExtension(csvPath)}";

        /// <summary>A timestamped name that does not exist yet: name_20250301_120000.csv (then _2, _3, ...).</summary>
        public static string FreeTimestampedPath(string folder, string stem, string extension, DateTime utc)
        {
            var basePath = Path.Combine(folder, $"{stem}_{utc.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}");
            var path = basePath + extension;
            for (var n = 2; File.Exists(path) || File.Exists(path + ".md5"); n++) path = $"{basePath}_{n}{extension}";
            return path;
        }

        /// <summary>The backup names of one CSV, as the names above give them, with their .md5 and .gz.</summary>
        public static Regex Pattern(string csvPath)
        {
            var stem = Regex.Escape(Path.GetFileNameWithoutExtension(csvPath));
            var ext = Regex.Escape(Path.GetExtension(csvPath));
            const string stamp = @"\d{8}_\d{6}(_\d+)?";
            return new Regex($"^{stem}(_{stamp}{PreMigration}|{PreUrlUpdate}(_{stamp})?|_{stamp}{PreRestore}){ext}(\\.md5|\\.gz)?$", RegexOptions.CultureInvariant);
        }
    }
}
