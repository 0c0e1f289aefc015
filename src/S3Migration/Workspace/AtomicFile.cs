using System;
using System.IO;

namespace S3Migration.Workspace
{
    /// <summary>
    /// Files that are either complete or absent: content goes to "name.partial" in the same folder,
    /// is flushed to disk, then renamed over the final name, so a crash never leaves a half-written report.
    /// </summary>
    public static class AtomicFile
    {
        public static string PartialPath(string path) => path + ".partial";

        public static void Write(string path, Action<Stream> write)
        {
            var partial = PartialPath(path);
            using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(true);
            }
            Commit(partial, path);
        }

        /// <summary>Replaces <paramref name="path"/> with the finished <paramref name="partial"/> file.</summary>
        public static void Commit(string partial, string path)
        {
            if (File.Exists(path)) File.Replace(partial, path, null);
            else File.Move(partial, path);
        }

        /// <summary>The workspace folder, created if needed, as a full path.</summary>
        public static string EnsureFolder(string folder)
        {
            var full = Path.GetFullPath(folder);
            Directory.CreateDirectory(full);
            return full;
        }
    }
}
