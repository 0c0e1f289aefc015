using System;
using System.Collections.Generic;
using System.IO;
using S3Migration.Model;
using S3Migration.PeopleCsv;
using S3Migration.Workspace;

namespace S3Migration.Phases.Removal
{
    /// <summary>
    /// What a run needs before it checks anything: the backup manifest, the people CSV and the deletion log opened for
    /// writing. Each one missing is a terminating error that says what to do, before anything is deleted.
    /// </summary>
    public static class RemovalInputs
    {
        /// <summary>The backup manifest by source, or a terminating error when it is needed and missing.</summary>
        public static Dictionary<S3Location, BackupEntry>? LoadManifest(string workspace, bool skip)
        {
            if (skip) return null;
            var entries = BackupManifest.Read(workspace)
                ?? throw new MigrationException("BackupManifestNotFound", MigrationErrorKind.NotFound,
                    $"No {BackupManifest.FileName} in '{workspace}': run Backup-MigrationSource with this -WorkspacePath first, or pass -SkipBackupCheck " +
                    "to delete without a verified backup. Nothing was deleted.", target: BackupManifest.PathIn(workspace));
            var index = new Dictionary<S3Location, BackupEntry>();
            foreach (var e in entries) index[new S3Location(e.SourceBucket, e.SourceKey)] = e; // the manifest's last row for a source wins
            return index;
        }

        /// <summary>
        /// The people CSV the cleanup checks: -CsvPath (recorded in the workspace, which refuses another CSV than the
        /// one it serves), else the workspace's; null with SkipCsvCheck. None known is a terminating error.
        /// </summary>
        public static string? ResolveCsv(string workspace, string? csvPath, bool skip, bool dryRun)
        {
            if (skip) return null;
            if (csvPath != null)
            {
                var full = Path.GetFullPath(csvPath);
                // A mistyped path is never recorded: the workspace would refuse the right one afterwards.
                if (!File.Exists(full))
                    throw CsvText.NotAFile(full, "-CsvPath", "Nothing was deleted or recorded.");
                // -WhatIf writes nothing: the state is only asked (RecordCsv refuses another CSV before it writes).
                if (!dryRun || MigrationState.Load(workspace).CsvPath != null) MigrationState.RecordCsv(workspace, full);
                return full;
            }
            var recorded = MigrationState.Load(workspace).CsvPath
                ?? throw new MigrationException("PeopleCsvUnknown", MigrationErrorKind.InvalidArgument,
                    $"The workspace '{workspace}' does not know which people CSV the migration serves, so the cleanup cannot check that no URL still names " +
                    "a source it would delete. Pass -CsvPath with the CSV (it is recorded in the workspace), or -SkipCsvCheck to delete without that check. Nothing was deleted.",
                    target: workspace);
            if (!File.Exists(recorded))
                throw new MigrationException("CsvNotFound", MigrationErrorKind.NotFound,
                    $"The people CSV '{recorded}' that the workspace '{workspace}' serves ({MigrationState.FileName}) does not exist; the cleanup cannot check its URLs. " +
                    "Put it back there, or pass -SkipCsvCheck to delete without that check. Nothing was deleted.", target: recorded);
            return recorded;
        }

        /// <summary>deletion_log.csv for writing; held by another run (one writer at a time) is a terminating error.</summary>
        public static DeletionJournal OpenJournal(string workspace)
        {
            try { return DeletionJournal.Open(workspace); }
            catch (IOException ex)
            {
                throw new MigrationException("DeletionLogInUse", MigrationErrorKind.ResourceUnavailable,
                    $"{DeletionJournal.FileName} in '{workspace}' could not be opened for writing ({ex.Message}); is another Remove-MigrationSource running on this workspace? Nothing was deleted.",
                    ex, DeletionJournal.PathIn(workspace));
            }
        }
    }
}
