using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3Migration.Model;
using S3Migration.PeopleCsv;
using S3Migration.Reports;
using S3Migration.Workspace;

namespace S3Migration.Phases.Rollback
{
    /// <summary>
    /// What a workspace knows about the sources of its copies, for the undo gate: the cleanup's outcome per source
    /// (deletion_log.csv), where each source's verified backup is (backup_manifest.csv, deletion_log.csv), and which
    /// URLs of the people CSV the workspace serves name each destination.
    /// </summary>
    public sealed class RollbackSources
    {
        public IReadOnlyDictionary<S3Location, DeletionRow> Cleanup { get; set; } = new Dictionary<S3Location, DeletionRow>();
        /// <summary>Each source to s3://bucket/key of its verified backup.</summary>
        public IReadOnlyDictionary<S3Location, string> Backups { get; set; } = new Dictionary<S3Location, string>();
        /// <summary>
        /// Each destination to the URLs of the workspace's people CSV that name it; null when the workspace knows no CSV
        /// (then no URL is checked).
        /// </summary>
        public IReadOnlyDictionary<S3Location, List<CsvUrlReference>>? CsvReferences { get; set; }
        /// <summary>What the operator should know about what could not be read.</summary>
        public List<string> Warnings { get; } = new List<string>();

        /// <summary>The cleanup's outcomes and the backups the workspace records.</summary>
        public static RollbackSources FromWorkspace(string workspace)
        {
            var cleanup = new Dictionary<S3Location, DeletionRow>();
            foreach (var d in DeletionJournal.Outcomes(workspace).Values)
                if (S3Location.TryParse(d.SourcePath) is { } source) cleanup[source] = d;
            var backups = new Dictionary<S3Location, string>();
            foreach (var e in BackupManifest.Read(workspace) ?? new List<BackupEntry>())
                if (e.IsVerified && e.BackupKey.Length > 0) backups[new S3Location(e.SourceBucket, e.SourceKey)] = new S3Location(e.BackupBucket, e.BackupKey).ToString();
            foreach (var (source, d) in cleanup)
                if (d.BackupPath.Length > 0) backups[source] = d.BackupPath;
            return new RollbackSources { Cleanup = cleanup, Backups = backups };
        }

        /// <summary>
        /// The URLs of the people CSV the workspace serves (migration_state.json) that name the plan's destinations: a
        /// copy it still names is kept, since the application serves it. A recorded CSV that is gone is a warning.
        /// </summary>
        public void ReadCsvReferences(string workspace, IEnumerable<RollbackEntry> plan)
        {
            var csv = MigrationState.Load(workspace).CsvPath;
            if (csv != null && File.Exists(csv))
            {
                var destinations = plan.Where(e => e.TargetKey.Length > 0).Select(e => e.Target().ToString()).ToList();
                CsvReferences = CsvUrlReferences.InFile(csv, destinations).GroupBy(r => r.Names()).ToDictionary(g => g.Key, g => g.ToList());
            }
            else if (csv != null)
                Warnings.Add($"The people CSV '{csv}' that the workspace serves (migration_state.json) does not exist, so its URLs were not checked: a copy it names would be deleted. Put it back there first if the application reads it.");
        }
    }
}
