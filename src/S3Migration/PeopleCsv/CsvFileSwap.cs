using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using S3Migration.Model;
using S3Migration.Workspace;

namespace S3Migration.PeopleCsv
{
    /// <summary>
    /// Replaces the people CSV as a database would: back it up, write the new content to a file in the same folder,
    /// flush it, read it back and prove it, check the original has not changed meanwhile, then rename the new file
    /// over the original (one atomic step), and record it all in the workspace. Any failure before the rename leaves
    /// the original untouched and removes the new file.
    ///
    /// One swap at a time per CSV: a swap holds ".output.csv.lock" beside the CSV (exclusive, deleted on close, as the
    /// copy journal's lock) from before its temporary file is written until after the rename. A killed process loses
    /// the lock but leaves its temporary file (".output.csv.XXXXXXXX.tmp", as big as the CSV); the next swap, holding
    /// the lock, knows no other run is writing one, and removes those of this CSV.
    /// </summary>
    public static class CsvFileSwap
    {
        /// <summary>Test hook: runs after the new file is written and proven, just before the swap.</summary>
        internal static Action<string>? BeforeSwap;

        /// <summary>The lock a swap of <paramref name="csvPath"/> holds: ".output.csv.lock" beside it.</summary>
        public static string LockPath(string csvPath)
        {
            var full = Path.GetFullPath(csvPath);
            return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.lock");
        }

        /// <summary>A swap's temporary file: ".output.csv." + 8 hex digits + ".tmp", beside the CSV (see Replace).</summary>
        private static Regex TempName(string csvPath) =>
            new Regex("^\\." + Regex.Escape(Path.GetFileName(csvPath)) + "\\.[0-9a-f]{8}\\.tmp$", RegexOptions.CultureInvariant);

        /// <summary>The held lock of one swap, and the temporary files of killed runs it removed on taking it.</summary>
        public sealed class SwapLock : IDisposable
        {
            private readonly FileStream _lock;
            internal SwapLock(FileStream held, List<string> removed) { _lock = held; RemovedTempFiles = removed; }
            public IReadOnlyList<string> RemovedTempFiles { get; }
            public void Dispose() => _lock.Dispose();
        }

        /// <summary>
        /// Takes the CSV's swap lock, or throws CsvBusy while another Update-OutputCsv or Restore-OutputCsv holds it. Holding
        /// it, removes the temporary files a killed swap of this CSV left (no running swap can own one now).
        /// </summary>
        public static SwapLock Lock(string csvPath)
        {
            var lockPath = LockPath(csvPath);
            FileStream held;
            try { held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose); }
            catch (IOException ex) when (!(ex is FileNotFoundException) && !(ex is DirectoryNotFoundException))
            {
                throw new MigrationException("CsvBusy", MigrationErrorKind.ResourceUnavailable,
                    $"'{csvPath}' is being replaced by another Update-OutputCsv or Restore-OutputCsv ('{lockPath}' is held). It was left to that run; run this one again when it has finished.", ex, csvPath);
            }
            var removed = new List<string>();
            try
            {
                var folder = Path.GetDirectoryName(lockPath)!;
                var name = TempName(csvPath);
                foreach (var f in Directory.EnumerateFiles(folder, $".{Path.GetFileName(csvPath)}.*.tmp").Where(f => name.IsMatch(Path.GetFileName(f))).OrderBy(f => f, StringComparer.Ordinal).ToList())
                {
                    try { File.Delete(f); removed.Add(f); }
                    catch (IOException) { /* still open somewhere (a reader): left for the next run */ }
                    catch (UnauthorizedAccessException) { }
                }
            }
            catch { held.Dispose(); throw; }
            return new SwapLock(held, removed);
        }

        /// <summary>
        /// Applies the plan: under the swap lock, backs the CSV up (streamed, and proven to be the bytes the plan was made
        /// from), writes the new file beside it one record at a time, proves it read back, and swaps it in. Nothing is
        /// held whole, so memory does not grow with the CSV (issue 13). Afterwards the plan lists its changes from the
        /// backup (<see cref="CsvUrlPlan.EachChange"/>).
        /// </summary>
        public static CsvUpdateComparison Apply(CsvUrlPlan plan, string? workspace)
        {
            var path = plan.Path;
            var cmp = plan.Comparison;
            using var held = Lock(path);
            cmp.RemovedTempFiles.AddRange(held.RemovedTempFiles);
            var backup = PreUpdateBackup(path, plan.OriginalMd5);
            cmp.BackupPath = backup.Path;
            cmp.BackupMd5 = backup.Md5;
            List<CsvUpdateRecord>? before = null;
            string? updatedMd5 = null;
            try
            {
                ReplaceHeld(path, plan.WriteTo, plan.OriginalMd5, plan.Verify, md5 =>
                {
                    updatedMd5 = md5;
                    // Recorded before the rename, not after: a kill between the two must never leave a CSV rewritten that the
                    // workspace does not know of (Restore-OutputCsv -WorkspacePath would find nothing to restore). A record whose
                    // rename never happened is harmless: the CSV is then still its backup, which a restore finds already in place.
                    if (workspace == null) return;
                    before = CsvUpdateLog.Read(workspace);
                    CsvUpdateLog.Append(workspace, new CsvUpdateRecord { CsvPath = path, BackupPath = backup.Path, BackupMd5 = backup.Md5, UpdatedMd5 = md5, UpdatedAt = DateTime.UtcNow });
                });
            }
            catch (MigrationException) when (before != null && CsvBackup.Md5OfFile(path) == plan.OriginalMd5)
            {
                // Nothing was replaced: the record goes.
                CsvUpdateLog.Reset(workspace!, before);
                throw;
            }
            cmp.Replaced = true;
            cmp.UpdatedMd5 = updatedMd5;
            plan.RereadFrom(backup.Path);
            return cmp;
        }

        /// <summary>
        /// The plan's "output_pre_url_update.csv" in the backups folder beside the CSV, with its .md5. An earlier one
        /// with other content is kept: this one then gets a timestamped name.
        /// </summary>
        private static CsvBackupInfo PreUpdateBackup(string csvPath, string md5)
        {
            var folder = CsvBackupNames.DefaultFolder(csvPath);
            var stem = Path.GetFileNameWithoutExtension(csvPath) + CsvBackupNames.PreUrlUpdate;
            var ext = Path.GetExtension(csvPath);
            var plain = Path.Combine(folder, stem + ext);
            if (File.Exists(plain) && File.Exists(plain + ".md5") && CsvBackup.ReadMd5File(plain + ".md5") == md5 && CsvBackup.Md5OfFile(plain) == md5)
                return new CsvBackupInfo { SourcePath = csvPath, Path = plain, Md5Path = plain + ".md5", Md5 = md5, Size = new FileInfo(plain).Length, CreatedAt = File.GetLastWriteTimeUtc(plain) };
            var target = File.Exists(plain) || File.Exists(plain + ".md5") ? CsvBackupNames.FreeTimestampedPath(folder, stem, ext, DateTime.UtcNow) : plain;
            return CsvBackup.WriteFromFile(csvPath, md5, target);
        }

        /// <summary>
        /// Writes <paramref name="bytes"/> over <paramref name="path"/> atomically, provided the file still has
        /// <paramref name="expectedMd5"/> and <paramref name="verify"/> accepts the new file as read back from disk.
        /// Takes the CSV's swap lock for it (CsvBusy while another run holds it); returns the temporary files of killed
        /// runs it removed.
        /// </summary>
        public static IReadOnlyList<string> Replace(string path, byte[] bytes, string expectedMd5, Func<byte[], string?> verify)
        {
            SwapLock held;
            try { held = Lock(path); }
            catch (UnauthorizedAccessException ex)
            {
                throw new MigrationException("CsvWriteFailed", MigrationErrorKind.PermissionDenied, $"Writing beside '{path}' was denied: {ex.Message}. The original was left as it is.", ex, path);
            }
            using (held)
                ReplaceHeld(path, s => { s.Write(bytes, 0, bytes.Length); return CsvBackup.Md5Hex(bytes); }, expectedMd5,
                    (temp, md5) => verify(File.ReadAllBytes(temp)), null);
            return held.RemovedTempFiles;
        }

        /// <summary>
        /// Replace, with the swap lock already held by the caller: <paramref name="write"/> writes the new file and returns
        /// the MD5 of what it wrote; <paramref name="verify"/> proves the temporary file (its path, that MD5);
        /// <paramref name="proven"/> runs once it is proven, before the original's check and the rename.
        /// </summary>
        private static void ReplaceHeld(string path, Func<Stream, string> write, string expectedMd5, Func<string, string, string?> verify, Action<string>? proven)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid().ToString("N").Substring(0, 8)}.tmp");
            string written;
            try
            {
                using (var s = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    try { written = write(s); }
                    catch (InvalidDataException ex)
                    {
                        throw new MigrationException("CsvVerifyFailed", MigrationErrorKind.WriteError, $"The new CSV did not prove right as it was written ({ex.Message}); '{path}' was left as it is.", ex, path);
                    }
                    s.Flush(true);
                }
                var problem = verify(temp, written);
                if (problem != null)
                    throw new MigrationException("CsvVerifyFailed", MigrationErrorKind.WriteError, $"The new CSV was written but did not prove right ({problem}); '{path}' was left as it is.", target: path);
                proven?.Invoke(written);
                BeforeSwap?.Invoke(temp);
                if (CsvBackup.Md5OfLockedFile(path) != expectedMd5)
                    throw new MigrationException("CsvChanged", MigrationErrorKind.InvalidData,
                        $"'{path}' changed while it was being updated (another program wrote to it). It was left as that program wrote it; run the command again.", target: path);
                AtomicFile.Commit(temp, path);
            }
            catch (IOException ex)
            {
                throw new MigrationException("CsvWriteFailed", MigrationErrorKind.WriteError, $"Writing the new CSV beside '{path}' failed: {ex.Message}. The original was left as it is.", ex, path);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new MigrationException("CsvWriteFailed", MigrationErrorKind.PermissionDenied, $"Writing the new CSV beside '{path}' was denied: {ex.Message}. The original was left as it is.", ex, path);
            }
            finally
            {
                try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { }
            }
            if (CsvBackup.Md5OfFile(path) != written)
                throw new MigrationException("CsvVerifyFailed", MigrationErrorKind.WriteError, $"'{path}' does not hold the new content after the swap; restore it with Restore-OutputCsv.", target: path);
        }
    }
}
