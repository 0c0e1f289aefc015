using System.IO;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// Whether another run is writing into a workspace: a held lock file (migration_log.lock of a running copy,
    /// backup_log.lock, the deletion log's, or any other *.lock in it). The archive and the 30-day watch refuse such a
    /// workspace: one would archive a torn journal, the other judge a half-finished run. A lock file left by a crash is
    /// not held, so it opens and counts as free.
    /// </summary>
    public static class WorkspaceInUse
    {
        /// <summary>Throws WorkspaceInUse (ResourceUnavailable) when a lock file in <paramref name="workspace"/> is held.</summary>
        /// <param name="whyNot">what the caller would spoil, and when to try again; ends the message.</param>
        public static void Ensure(string workspace, string whyNot)
        {
            if (!Directory.Exists(workspace)) return;   // the caller reports a missing workspace in its own words
            foreach (var lockFile in Directory.EnumerateFiles(workspace, "*.lock", SearchOption.TopDirectoryOnly))
            {
                try
                {
                    using (new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                }
                catch (FileNotFoundException) { /* released meanwhile: the writer finished */ }
                catch (IOException ex)
                {
                    throw new MigrationException("WorkspaceInUse", MigrationErrorKind.ResourceUnavailable,
                        $"'{lockFile}' is held: a copy (or another cmdlet) is still writing into '{workspace}'. {whyNot}", ex, workspace);
                }
            }
        }
    }
}
