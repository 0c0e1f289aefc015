using System;
using System.IO;
using System.Linq;
using S3Migration.Storage;
using S3Migration.Workspace;

namespace S3Migration.Csv
{
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
        /// <summary>Temporary files a killed update or restore left beside the CSV, removed by this one (CsvFileSwap.Lock).</summary>
        public System.Collections.Generic.IReadOnlyList<string> RemovedTempFiles { get; set; } = Array.Empty<string>();
        public override string ToString() => $"{Status} {Path} from {RestoredFrom}";
    }

    /// <summary>
    /// Puts the people CSV back from a backup (plan phase 3, "Create rollback script"): only a backup whose content
    /// matches its .md5, only over a CSV that is still what the update wrote (unless forced), and never without
    /// saving the current file first. The swap is the same atomic replace as the update's.
    /// </summary>
    public static class CsvRestore
    {
        /// <summary>The backup of the first update in the workspace: the CSV as it was before any URL was rewritten.</summary>
        public static (string CsvPath, string BackupPath, string? UpdatedMd5) FromWorkspace(string workspace)
        {
            var updates = CsvFileSwap.Read(workspace).Where(u => u.Action == "update").ToList();
            if (updates.Count == 0)
                throw new MigrationException("NothingToRestore", MigrationErrorKind.NotFound,
                    $"'{workspace}' has no {CsvFileSwap.RecordName}: Update-OutputCsv has not replaced a CSV from this workspace. Give -Path and -BackupPath to restore a backup of your own.", target: workspace);
            return (updates[0].CsvPath, updates[0].BackupPath, updates[updates.Count - 1].UpdatedMd5);
        }

        /// <param name="updatedMd5">what the last update wrote; a CSV with other content changed since and is kept unless <paramref name="force"/></param>
        public static CsvRestoreResult Restore(string csvPath, string backupPath, string? updatedMd5, bool force)
        {
            if (!File.Exists(backupPath))
                throw new MigrationException("BackupNotFound", MigrationErrorKind.NotFound, $"The backup '{backupPath}' does not exist.", target: backupPath);
            var md5 = CsvBackup.ReadMd5File(backupPath + ".md5");
            var bytes = File.ReadAllBytes(backupPath);
            if (CsvBackup.Md5Hex(bytes) != md5)
                throw new MigrationException("BackupCorrupt", MigrationErrorKind.InvalidData,
                    $"The backup '{backupPath}' does not match the MD5 in its .md5 file ({md5}); it is not restored. Look for another backup (outputs/backups/).", target: backupPath);
            var result = new CsvRestoreResult { Path = csvPath, RestoredFrom = backupPath, Md5 = md5 };
            if (!File.Exists(csvPath))
            {
                AtomicFile.Write(csvPath, s => s.Write(bytes, 0, bytes.Length));
                result.Status = CsvRestoreStatus.Restored;
                return result;
            }
            var current = CsvText.ReadLocked(csvPath);
            var currentMd5 = CsvBackup.Md5Hex(current);
            if (currentMd5 == md5) { result.Status = CsvRestoreStatus.AlreadyRestored; return result; }
            if (updatedMd5 != null && currentMd5 != updatedMd5 && !force)
                throw new MigrationException("CsvChangedSinceUpdate", MigrationErrorKind.InvalidData,
                    $"'{csvPath}' changed after Update-OutputCsv wrote it (the application may have added rows), so restoring the backup would lose those changes. It was left as it is. Use -Force to restore anyway; the current file is saved first.", target: csvPath);
            var folder = CsvBackup.DefaultFolder(csvPath);
            var saved = CsvBackup.Write(csvPath, current,
                CsvBackup.FreeTimestampedPath(folder, System.IO.Path.GetFileNameWithoutExtension(csvPath), "_pre_restore" + System.IO.Path.GetExtension(csvPath), DateTime.UtcNow), gzip: false);
            result.RemovedTempFiles = CsvFileSwap.Replace(csvPath, bytes, currentMd5, written => CsvBackup.Md5Hex(written) == md5 ? null : "its MD5 is not the backup's");
            result.SavedCurrentAs = saved.Path;
            result.Status = CsvRestoreStatus.Restored;
            return result;
        }
    }
}
