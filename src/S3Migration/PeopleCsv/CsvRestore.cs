using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.Workspace;

namespace S3Migration.PeopleCsv
{
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum CsvRestoreStatus { Restored, AlreadyRestored }

    /// <summary>What Restore-OutputCsv did.</summary>
    public sealed class CsvRestoreResult
    {
        public string Path { get; set; } = "";
        public string RestoredFrom { get; set; } = "";
        public string Md5 { get; set; } = "";
        /// <summary>Where the CSV as it was before the restore was saved, or null when nothing was replaced.</summary>
        public string? SavedCurrentAs { get; set; }
        public CsvRestoreStatus Status { get; set; }
        /// <summary>
        /// URLs of the restored CSV that name objects the cleanup deleted (they answer 404): empty unless -Force
        /// restored it anyway.
        /// </summary>
        public IReadOnlyList<CsvUrlReference> UrlsOfDeletedObjects { get; set; } = Array.Empty<CsvUrlReference>();
        /// <summary>Temporary files a killed update or restore left beside the CSV, removed by this one (CsvFileSwap.Lock).</summary>
        public System.Collections.Generic.IReadOnlyList<string> RemovedTempFiles { get; set; } = Array.Empty<string>();
        public override string ToString() => $"{Status} {Path} from {RestoredFrom}";
    }

    /// <summary>
    /// Puts the people CSV back from a backup (plan phase 3, "Create rollback script"): only a backup whose content
    /// matches its .md5, only over a CSV that is still what the update wrote (unless forced), only when none of the
    /// backup's URLs names an object the cleanup deleted (unless forced; PhaseGates.WhyRefuseCsvRestore), and never
    /// without saving the current file first. The swap is the same atomic replace as the update's.
    /// </summary>
    public static class CsvRestore
    {
        /// <summary>The backup of the first update in the workspace: the CSV as it was before any URL was rewritten.</summary>
        public static (string CsvPath, string BackupPath, string? UpdatedMd5) FromWorkspace(string workspace)
        {
            var updates = CsvUpdateLog.Read(workspace).Where(u => u.Action == CsvUpdateRecord.Update).ToList();
            if (updates.Count == 0)
                throw new MigrationException("NothingToRestore", MigrationErrorKind.NotFound,
                    $"'{workspace}' has no {CsvUpdateLog.FileName}: Update-OutputCsv has not replaced a CSV from this workspace. Give -Path and -BackupPath to restore a backup of your own.", target: workspace);
            return (updates[0].CsvPath, updates[0].BackupPath, updates[updates.Count - 1].UpdatedMd5);
        }

        /// <summary>
        /// The URLs of a backup that name objects the workspace's cleanup deleted (deletion_log.csv), and the gate's
        /// answer: a terminating error (RestoreWouldBreakUrls) unless <paramref name="force"/>. Empty when there is no
        /// backup to read or no deletion.
        /// </summary>
        public static IReadOnlyList<CsvUrlReference> CheckUrls(string csvPath, string backupPath, string workspace, bool force) =>
            File.Exists(backupPath) ? CheckUrls(csvPath, backupPath, File.ReadAllBytes(backupPath), workspace, force) : Array.Empty<CsvUrlReference>();

        private static IReadOnlyList<CsvUrlReference> CheckUrls(string csvPath, string backupPath, byte[] bytes, string workspace, bool force)
        {
            var deleted = DeletionJournal.Outcomes(workspace).Values.Where(r => r.IsGone).Select(r => r.SourcePath).ToList();
            if (deleted.Count == 0) return Array.Empty<CsvUrlReference>();
            var broken = CsvUrlReferences.InBytes(bytes, backupPath, deleted);
            if (PhaseGates.WhyRefuseCsvRestore(broken, force) is { } why)
                throw new MigrationException("RestoreWouldBreakUrls", MigrationErrorKind.InvalidData,
                    $"'{csvPath}' was not restored from '{backupPath}' and was left as it is: {why}", target: csvPath);
            return broken;
        }

        /// <param name="updatedMd5">what the last update wrote; a CSV with other content changed since and is kept unless <paramref name="force"/></param>
        /// <param name="workspace">the migration's workspace: the backup's URLs are checked against its deletion_log.csv; null: not checked</param>
        public static CsvRestoreResult Restore(string csvPath, string backupPath, string? updatedMd5, bool force, string? workspace = null)
        {
            if (!File.Exists(backupPath))
                throw new MigrationException("BackupNotFound", MigrationErrorKind.NotFound, $"The backup '{backupPath}' does not exist.", target: backupPath);
            var md5 = CsvBackup.ReadMd5File(backupPath + ".md5");
            var bytes = File.ReadAllBytes(backupPath);
            if (CsvBackup.Md5Hex(bytes) != md5)
                throw new MigrationException("BackupCorrupt", MigrationErrorKind.InvalidData,
                    $"The backup '{backupPath}' does not match the MD5 in its .md5 file ({md5}); it is not restored. Look for another backup (outputs/backups/).", target: backupPath);
            var result = new CsvRestoreResult { Path = csvPath, RestoredFrom = backupPath, Md5 = md5 };
            var current = File.Exists(csvPath) ? CsvText.ReadLocked(csvPath) : null;
            var currentMd5 = current != null ? CsvBackup.Md5Hex(current) : null;
            if (currentMd5 == md5) { result.Status = CsvRestoreStatus.AlreadyRestored; return result; }
            if (workspace != null) result.UrlsOfDeletedObjects = CheckUrls(csvPath, backupPath, bytes, workspace, force);
            if (current == null)
            {
                AtomicFile.Write(csvPath, s => s.Write(bytes, 0, bytes.Length));
                result.Status = CsvRestoreStatus.Restored;
                return result;
            }
            if (updatedMd5 != null && currentMd5 != updatedMd5 && !force)
                throw new MigrationException("CsvChangedSinceUpdate", MigrationErrorKind.InvalidData,
                    $"'{csvPath}' changed after Update-OutputCsv wrote it (the application may have added rows), so restoring the backup would lose those changes. It was left as it is. Use -Force to restore anyway; the current file is saved first.", target: csvPath);
            var folder = CsvBackupNames.DefaultFolder(csvPath);
            var saved = CsvBackup.Write(csvPath, current,
                CsvBackupNames.FreeTimestampedPath(folder, System.IO.Path.GetFileNameWithoutExtension(csvPath), CsvBackupNames.PreRestore + System.IO.Path.GetExtension(csvPath), DateTime.UtcNow), gzip: false);
            result.RemovedTempFiles = CsvFileSwap.Replace(csvPath, bytes, currentMd5, written => CsvBackup.Md5Hex(written) == md5 ? null : "its MD5 is not the backup's");
            result.SavedCurrentAs = saved.Path;
            result.Status = CsvRestoreStatus.Restored;
            return result;
        }
    }
}
