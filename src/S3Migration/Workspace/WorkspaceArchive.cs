using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// The workspace archive (plan phase 5, "archive migration logs"): every workspace file in one zip, and the people
    /// CSV's backups, which live beside the CSV (outputs/backups/) rather than in the workspace, under csv_backups/ with
    /// an ORIGINS.txt that says where each came from; a SHA256SUMS entry inside lists them all (sha256sum format, so
    /// `sha256sum -c SHA256SUMS` works after unzip) and a "&lt;zip&gt;.sha256" file beside it covers the zip itself.
    /// Zip: one file any operator can open on any OS without extra tools.
    /// </summary>
    public static class WorkspaceArchive
    {
        public const string SumsEntry = "SHA256SUMS";
        public const string FolderName = "archive";
        public const string SideFileExtension = ".sha256";
        /// <summary>The zip folder of the CSV backups from outside the workspace.</summary>
        public const string CsvBackupFolder = "csv_backups";
        /// <summary>Per CSV backup in the zip, the path it was archived from: "entry&lt;TAB&gt;original path".</summary>
        public const string OriginsEntry = CsvBackupFolder + "/ORIGINS.txt";

        public static string DefaultPath(string workspace, DateTime utc) =>
            System.IO.Path.Combine(workspace, FolderName, $"migration_workspace_{utc.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}.zip");

        public static string SideFile(string zip) => zip + SideFileExtension;

        /// <summary>
        /// The files that go into the archive, as sorted relative paths with '/' separators. Left out: lock files
        /// (they only mean "someone is writing"), *.partial files (unfinished by definition), the archive folder
        /// (earlier archives) and the destination itself with its side file when it lies inside the workspace.
        /// </summary>
        public static List<string> Files(string workspace, string destination)
        {
            workspace = System.IO.Path.GetFullPath(workspace);
            var archiveFolder = System.IO.Path.Combine(workspace, FolderName) + System.IO.Path.DirectorySeparatorChar;
            var skip = new HashSet<string>(new[] { System.IO.Path.GetFullPath(destination), SideFile(System.IO.Path.GetFullPath(destination)) }, StringComparer.Ordinal);
            return Directory.EnumerateFiles(workspace, "*", SearchOption.AllDirectories)
                .Select(System.IO.Path.GetFullPath)
                .Where(f => !f.StartsWith(archiveFolder, StringComparison.Ordinal) && !skip.Contains(f)
                            && !f.EndsWith(".lock", StringComparison.OrdinalIgnoreCase) && !f.EndsWith(AtomicFile.PartialPath(""), StringComparison.OrdinalIgnoreCase))
                .Select(f => f.Substring(workspace.Length).TrimStart(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar).Replace('\\', '/'))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
        }

        /// <summary>
        /// Writes the archive (via .partial and rename) and its .sha256 side file; never overwrites an archive.
        /// <paramref name="csvBackupPaths"/>: more CSV backups (files or folders) than <see cref="ArchivedCsvBackups.Find"/> finds.
        /// </summary>
        public static ArchiveResult Create(string workspace, string destination, IEnumerable<string>? csvBackupPaths = null)
        {
            workspace = System.IO.Path.GetFullPath(workspace);
            destination = System.IO.Path.GetFullPath(destination);
            if (!Directory.Exists(workspace))
                throw new MigrationException("WorkspaceNotFound", MigrationErrorKind.NotFound, $"The workspace '{workspace}' does not exist.", target: workspace);
            if (File.Exists(destination))
                throw new MigrationException("ArchiveExists", MigrationErrorKind.WriteError,
                    $"'{destination}' already exists; an archive is never overwritten. Pass another -DestinationPath or move the old archive away.", target: destination);
            WorkspaceInUse.Ensure(workspace, "Archiving it now would give a torn copy; run Compress-MigrationWorkspace when it has finished.");

            // Every entry once: workspace files by their relative path, CSV backups under csv_backups/ (a name that two
            // folders share gets a numbered subfolder), and ORIGINS.txt saying where each backup was archived from.
            var entries = Files(workspace, destination)
                .Select(rel => (Entry: rel, File: System.IO.Path.Combine(workspace, rel.Replace('/', System.IO.Path.DirectorySeparatorChar)))).ToList();
            var backups = ArchivedCsvBackups.Find(workspace, csvBackupPaths).Where(f => f != destination && f != SideFile(destination)).ToList();
            var origins = new StringBuilder();
            var taken = new HashSet<string>(entries.Select(e => e.Entry), StringComparer.Ordinal);
            foreach (var f in backups)
            {
                var entry = $"{CsvBackupFolder}/{System.IO.Path.GetFileName(f)}";
                for (var n = 2; !taken.Add(entry); n++) entry = $"{CsvBackupFolder}/{n}/{System.IO.Path.GetFileName(f)}";
                entries.Add((entry, f));
                origins.Append(entry).Append('\t').Append(f).Append('\n');
            }
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);

            var result = new ArchiveResult { Path = destination, FileCount = entries.Count + (backups.Count > 0 ? 1 : 0), CsvBackups = backups.Count };
            var sums = new StringBuilder();
            AtomicFile.Write(destination, stream =>
            {
                using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
                var buffer = new byte[1 << 16];
                foreach (var (rel, full) in entries)
                {
                    var entry = zip.CreateEntry(rel, CompressionLevel.Optimal);
                    entry.LastWriteTime = ZipTime(File.GetLastWriteTime(full));
                    // One read per file feeds both the zip and the hash, so SHA256SUMS describes exactly the bytes archived.
                    using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    using (var input = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                    using (var output = entry.Open())
                    {
                        int n;
                        while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
                        {
                            sha.AppendData(buffer, 0, n);
                            output.Write(buffer, 0, n);
                            result.ContentBytes += n;
                        }
                    }
                    sums.Append(Hex.Lower(sha.GetHashAndReset())).Append("  ").Append(rel).Append('\n');
                }
                if (backups.Count > 0) AddText(zip, OriginsEntry, origins.ToString(), sums);
                AddText(zip, SumsEntry, sums.ToString(), null);
            });

            result.Sha256 = Sha256Of(destination);
            result.Size = new FileInfo(destination).Length;
            var line = new UTF8Encoding(false).GetBytes($"{result.Sha256}  {System.IO.Path.GetFileName(destination)}\n");
            AtomicFile.Write(SideFile(destination), st => st.Write(line, 0, line.Length));
            result.WrittenAt = DateTime.UtcNow;
            result.Status = ArchiveResult.Archived;
            return result;
        }

        /// <summary>A text entry made in memory; listed in <paramref name="sums"/> when given.</summary>
        private static void AddText(ZipArchive zip, string name, string text, StringBuilder? sums)
        {
            var bytes = new UTF8Encoding(false).GetBytes(text);
            using (var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open()) s.Write(bytes, 0, bytes.Length);
            if (sums == null) return;
            sums.Append(Hex.Lower(SHA256.HashData(bytes))).Append("  ").Append(name).Append('\n');
        }

        /// <summary>Checks the zip against its .sha256 side file and every entry against SHA256SUMS.</summary>
        public static ArchiveVerification Verify(string path)
        {
            path = System.IO.Path.GetFullPath(path);
            if (!File.Exists(path))
                throw new MigrationException("ArchiveNotFound", MigrationErrorKind.NotFound, $"The archive '{path}' does not exist.", target: path);
            var v = new ArchiveVerification { Path = path, Sha256 = Sha256Of(path) };
            var notes = new List<string>();
            var side = SideFile(path);
            if (File.Exists(side))
            {
                v.ExpectedSha256 = File.ReadAllText(side).Split(new[] { ' ', '\t', '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.ToLowerInvariant() ?? "";
                if (v.ExpectedSha256 != v.Sha256) notes.Add($"the zip's SHA-256 {v.Sha256} is not the {v.ExpectedSha256} in {System.IO.Path.GetFileName(side)}");
            }
            else notes.Add($"no {System.IO.Path.GetFileName(side)} beside the archive");

            try
            {
                using var zip = ZipFile.OpenRead(path);
                var sumsEntry = zip.GetEntry(SumsEntry);
                if (sumsEntry == null) notes.Add($"no {SumsEntry} entry in the archive");
                else
                {
                    var expected = ParseSums(ReadAll(sumsEntry));
                    var entries = zip.Entries.Where(e => e.FullName != SumsEntry && !e.FullName.EndsWith("/", StringComparison.Ordinal))
                        .ToDictionary(e => e.FullName, StringComparer.Ordinal);
                    foreach (var kv in expected)
                    {
                        var check = new ArchiveEntryCheck { Archive = path, Path = kv.Key, Expected = kv.Value };
                        if (!entries.TryGetValue(kv.Key, out var entry)) check.Status = "Missing";
                        else
                        {
                            using (var st = entry.Open()) check.Actual = Hex.Lower(SHA256.HashData(st));
                            check.Status = check.Actual == kv.Value ? "Verified" : "Mismatch";
                        }
                        v.Entries.Add(check);
                    }
                    foreach (var name in entries.Keys.Where(k => !expected.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal))
                        v.Entries.Add(new ArchiveEntryCheck { Archive = path, Path = name, Status = "Unlisted" });
                }
            }
            catch (InvalidDataException ex) { notes.Add($"the archive is not a readable zip: {ex.Message}"); }

            v.FileCount = v.Entries.Count;
            v.FilesVerified = v.Entries.Count(e => e.Status == "Verified");
            v.FilesFailed = v.FileCount - v.FilesVerified;
            if (v.FilesFailed > 0) notes.Add($"{v.FilesFailed} entries do not match {SumsEntry}: " + string.Join(", ", v.Entries.Where(e => e.Status != "Verified").Take(5).Select(e => $"{e.Path} ({e.Status})")));
            v.Status = notes.Count == 0 ? ArchiveResult.Verified : ArchiveResult.Failed;
            v.Notes = string.Join("; ", notes);
            return v;
        }

        /// <summary>sha256sum lines: "hash  path" (text mode) or "hash *path" (binary mode).</summary>
        public static Dictionary<string, string> ParseSums(string text)
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                if (line.Length < 66 || line[64] != ' ') continue;
                d[line.Substring(66)] = line.Substring(0, 64).ToLowerInvariant();
            }
            return d;
        }

        public static string Sha256Of(string file)
        {
            using var st = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read);
            return Hex.Lower(SHA256.HashData(st));
        }

        private static string ReadAll(ZipArchiveEntry e)
        {
            using var r = new StreamReader(e.Open(), new UTF8Encoding(false));
            return r.ReadToEnd();
        }

        // Zip stores DOS times: 1980 to 2107.
        private static DateTimeOffset ZipTime(DateTime t) => t.Year < 1980 ? new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero) : new DateTimeOffset(t);
    }
}
