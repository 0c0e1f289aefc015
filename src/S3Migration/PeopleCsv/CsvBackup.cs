using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using S3Migration.Model;
using S3Migration.Workspace;

namespace S3Migration.PeopleCsv
{
    /// <summary>A backup of the people CSV: the copy, its checksum file and, for the phase-1 backup, a gzip archive.</summary>
    public sealed class CsvBackupInfo
    {
        public string SourcePath { get; set; } = "";
        public string Path { get; set; } = "";
        public string Md5Path { get; set; } = "";
        public string? GzipPath { get; set; }
        public string Md5 { get; set; } = "";
        public long Size { get; set; }
        public DateTime CreatedAt { get; set; }
        /// <summary>s3:// locations of the uploaded files, when the backup was uploaded.</summary>
        public string[] Uploaded { get; set; } = Array.Empty<string>();
        public override string ToString() => $"{Path} (md5 {Md5})";
    }

    /// <summary>
    /// The CSV backups of plan phases 1 and 3: a byte-for-byte copy in a backups folder beside the CSV
    /// (outputs/backups/), a ".md5" file in md5sum's format, and optionally a ".gz". Every file is written whole or
    /// not at all, read back and checked, and an existing backup is never overwritten.
    /// </summary>
    public static class CsvBackup
    {
        /// <summary>The MD5 of the bytes as md5sum writes it (lower-case hex): the checksum every CSV backup and swap compares.</summary>
        public static string Md5Hex(byte[] bytes) => Hex.Lower(MD5.HashData(bytes));

        public static string Md5OfFile(string path)
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return Hex.Lower(MD5.HashData(s));
        }

        /// <summary>The MD5 of the CSV read under a shared lock (<see cref="CsvText.Locked"/>), streamed.</summary>
        public static string Md5OfLockedFile(string path) => CsvText.Locked(path, s => Hex.Lower(MD5.HashData(s)));

        /// <summary>
        /// The backup of the CSV at <paramref name="sourcePath"/>, copied as a stream (never whole in memory) with its ".md5",
        /// provided the bytes copied have <paramref name="md5"/> (the content a plan was made from): else CsvChanged and no backup.
        /// </summary>
        public static CsvBackupInfo WriteFromFile(string sourcePath, string md5, string backupPath)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(backupPath)!);
            var info = new CsvBackupInfo { SourcePath = sourcePath, Path = backupPath, Md5Path = backupPath + ".md5", Md5 = md5, CreatedAt = DateTime.UtcNow };
            foreach (var p in new[] { info.Path, info.Md5Path })
                if (File.Exists(p))
                    throw new MigrationException("BackupExists", MigrationErrorKind.WriteError, $"The backup '{p}' already exists; it is never overwritten. Wait a second or move it away.", target: p);
            try
            {
                AtomicFile.Write(info.Path, s => CopyProven(sourcePath, s, md5));
            }
            catch
            {
                try { File.Delete(AtomicFile.PartialPath(info.Path)); } catch (IOException) { }
                throw;
            }
            info.Size = new FileInfo(info.Path).Length;
            AtomicFile.Write(info.Md5Path, s => { var line = System.Text.Encoding.ASCII.GetBytes($"{md5}  {System.IO.Path.GetFileName(backupPath)}\n"); s.Write(line, 0, line.Length); });
            Check(info);
            return info;
        }

        /// <summary>Copies the CSV into <paramref name="s"/>; CsvChanged unless the bytes copied have <paramref name="md5"/>.</summary>
        private static void CopyProven(string sourcePath, Stream s, string md5)
        {
            using var md5Of = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            // Opened under the shared lock (its errors are the CSV's); a failure to write the backup stays a write error.
            using (var source = CsvText.OpenLocked(sourcePath))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = source.Read(buffer, 0, buffer.Length)) > 0) { s.Write(buffer, 0, n); md5Of.AppendData(buffer, 0, n); }
            }
            if (Hex.Lower(md5Of.GetHashAndReset()) != md5)
                throw new MigrationException("CsvChanged", MigrationErrorKind.InvalidData,
                    $"'{sourcePath}' changed while it was being updated (another program wrote to it). It was left as that program wrote it; run the command again.", target: sourcePath);
        }

        /// <summary>
        /// Writes <paramref name="bytes"/> (the CSV as read) to <paramref name="backupPath"/> with a ".md5" beside it, and a
        /// ".gz" when asked. Refuses to replace an existing file of that name. Each file is read back and checked.
        /// </summary>
        public static CsvBackupInfo Write(string sourcePath, byte[] bytes, string backupPath, bool gzip)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(backupPath)!);
            var md5 = Md5Hex(bytes);
            var info = new CsvBackupInfo { SourcePath = sourcePath, Path = backupPath, Md5Path = backupPath + ".md5", Md5 = md5, Size = bytes.Length, CreatedAt = DateTime.UtcNow };
            foreach (var p in new[] { info.Path, info.Md5Path }.Concat(gzip ? new[] { backupPath + ".gz" } : Array.Empty<string>()))
                if (File.Exists(p))
                    throw new MigrationException("BackupExists", MigrationErrorKind.WriteError, $"The backup '{p}' already exists; it is never overwritten. Wait a second or move it away.", target: p);

            AtomicFile.Write(info.Path, s => s.Write(bytes, 0, bytes.Length));
            AtomicFile.Write(info.Md5Path, s => { var line = System.Text.Encoding.ASCII.GetBytes($"{md5}  {System.IO.Path.GetFileName(backupPath)}\n"); s.Write(line, 0, line.Length); });
            if (gzip)
            {
                info.GzipPath = backupPath + ".gz";
                AtomicFile.Write(info.GzipPath, s =>
                {
                    using var gz = new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true);
                    gz.Write(bytes, 0, bytes.Length);
                });
            }
            Check(info);
            return info;
        }

        /// <summary>Reads the backup (and its .gz) back and compares them with the checksum in its .md5 file.</summary>
        public static void Check(CsvBackupInfo info)
        {
            var recorded = ReadMd5File(info.Md5Path);
            if (recorded != info.Md5 || Md5OfFile(info.Path) != info.Md5)
                throw new MigrationException("BackupCorrupt", MigrationErrorKind.InvalidData, $"The backup '{info.Path}' does not match its checksum after writing; the disk may be failing.", target: info.Path);
            if (info.GzipPath != null)
            {
                using var gz = new GZipStream(File.OpenRead(info.GzipPath), CompressionMode.Decompress);
                using var ms = new MemoryStream();
                gz.CopyTo(ms);
                if (Md5Hex(ms.ToArray()) != info.Md5)
                    throw new MigrationException("BackupCorrupt", MigrationErrorKind.InvalidData, $"The archive '{info.GzipPath}' does not unpack to the backup.", target: info.GzipPath);
            }
        }

        /// <summary>The checksum of an md5sum-style file ("hash  name"), lower-case.</summary>
        public static string ReadMd5File(string md5Path)
        {
            if (!File.Exists(md5Path))
                throw new MigrationException("BackupChecksumMissing", MigrationErrorKind.NotFound, $"The checksum file '{md5Path}' is missing, so the backup cannot be proven whole.", target: md5Path);
            var text = File.ReadAllText(md5Path).Trim();
            var hash = text.Split(new[] { ' ', '\t' }, 2)[0].ToLowerInvariant();
            if (hash.Length != 32 || !hash.All(Uri.IsHexDigit))
                throw new MigrationException("BackupChecksumMalformed", MigrationErrorKind.InvalidData, $"'{md5Path}' does not hold an MD5 checksum.", target: md5Path);
            return hash;
        }
    }
}
