using System;
using System.Collections.Generic;

namespace S3Migration.Phases.Removal
{
    /// <summary>Remove-MigrationSource's parameters, as the run reads them.</summary>
    public sealed class RemovalOptions
    {
        public int GracePeriodDays { get; set; } = 30;
        /// <summary>Skips the grace period only; every safety check still runs.</summary>
        public bool Force { get; set; }
        public bool SkipBackupCheck { get; set; }
        /// <summary>
        /// The people CSV whose URLs the cleanup checks (-CsvPath); null: the one the workspace's migration_state.json
        /// records. Given, it is recorded there (a workspace serves one CSV).
        /// </summary>
        public string? CsvPath { get; set; }
        /// <summary>Deletes without reading the people CSV: a source it still names may be deleted.</summary>
        public bool SkipCsvCheck { get; set; }
        public int BatchSize { get; set; } = 1000;
        public int ThrottleLimit { get; set; } = 16;
        public int MaxRetries { get; set; } = 5;
        public bool PermanentlyDeleteVersion { get; set; }
        /// <summary>Limit the run to these sources (s3://bucket/key); null: every verified source of the journal.</summary>
        public ISet<string>? Only { get; set; }
        /// <summary>-WhatIf: check and report, delete nothing, write nothing.</summary>
        public bool DryRun { get; set; }
        /// <summary>The clock, for the grace period.</summary>
        public DateTime Now { get; set; } = DateTime.UtcNow;
    }
}
