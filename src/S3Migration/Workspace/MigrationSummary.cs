using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using S3Migration.Model;
using S3Migration.Rules;

namespace S3Migration.Workspace
{
    /// <summary>
    /// migration_summary.json: the plan's statistics plus bytes, per-type counts, requests and rates. The copy
    /// rewrites it every few seconds and at the end (atomically), so a scheduled task can watch a run.
    /// </summary>
    public sealed class MigrationSummary
    {
        public const string FileName = "migration_summary.json";

        private sealed class TypeTally { public long Verified, Failed, Bytes; }
        private readonly SortedDictionary<string, TypeTally> _byType = new SortedDictionary<string, TypeTally>(StringComparer.Ordinal);

        public DateTime StartTime { get; } = DateTime.UtcNow;
        public DateTime? EndTime { get; private set; }
        /// <summary>running, completed, cancelled or failed.</summary>
        public string State { get; private set; } = "running";
        /// <summary>
        /// The files this run has to migrate: the workspace inventory's planned files when there is one, never fewer than
        /// the items that arrived; null when nothing tells it before the input ends.
        /// A run that went through its whole input ("completed") had exactly the items that arrived.
        /// </summary>
        public long? TotalFilesToMigrate => State == "completed" ? _arrived : KnownTotal is long t ? Math.Max(t, _arrived) : (long?)null;
        /// <summary>How many files the run has to migrate, from outside its input (the workspace's inventory); null when unknown.</summary>
        public long? KnownTotal { get; set; }
        private long _arrived;
        public long FilesCopied { get; private set; }
        public long FilesVerified { get; private set; }
        public long FilesFailed { get; private set; }
        public long FilesSkipped { get; private set; }
        public long FilesConflict { get; private set; }
        public long FilesNotPlanned { get; private set; }
        public long BytesCopied { get; private set; }
        public long BytesVerified { get; private set; }
        public long Requests { get; set; }
        public long Retries { get; set; }
        public long Done => FilesVerified + FilesFailed + FilesConflict;

        /// <summary>An item to migrate arrived.</summary>
        public void Planned() => _arrived++;

        public void Add(MigrationResult r)
        {
            var t = Tally(r.FileType.Length > 0 ? r.FileType : FileTypeMap.Unknown);
            if (r.Attempts > 0) { FilesCopied++; BytesCopied += r.Size * r.Attempts; }
            switch (r.Status)
            {
                case MigrationResultStatus.Verified:
                case MigrationResultStatus.Skipped:
                    FilesVerified++; BytesVerified += r.Size; t.Verified++; t.Bytes += r.Size;
                    if (r.Status == MigrationResultStatus.Skipped) FilesSkipped++;
                    break;
                case MigrationResultStatus.Failed: FilesFailed++; t.Failed++; break;
                case MigrationResultStatus.Conflict: FilesConflict++; break;
                case MigrationResultStatus.NotPlanned: FilesNotPlanned++; break;
            }
        }

        public void Finish(string state)
        {
            State = state;
            EndTime = DateTime.UtcNow;
        }

        public void Write(string workspace)
        {
            var now = EndTime ?? DateTime.UtcNow;
            var seconds = Math.Max((now - StartTime).TotalSeconds, 0.001);
            AtomicFile.Write(Path.Combine(workspace, FileName), stream =>
            {
                using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                w.WriteStartObject();
                // Unknown totals are null, never the count of items received so far: files_remaining must be true.
                var total = TotalFilesToMigrate;
                if (total is long known) w.WriteNumber("total_files_to_migrate", known); else w.WriteNull("total_files_to_migrate");
                w.WriteNumber("files_copied", FilesCopied);
                w.WriteNumber("files_verified", FilesVerified);
                w.WriteNumber("files_failed", FilesFailed);
                w.WriteString("start_time", StartTime.ToString("o"));
                if (EndTime.HasValue) w.WriteString("end_time", EndTime.Value.ToString("o")); else w.WriteNull("end_time");
                w.WriteString("state", State);
                w.WriteNumber("files_skipped", FilesSkipped);
                w.WriteNumber("files_conflict", FilesConflict);
                w.WriteNumber("files_not_planned", FilesNotPlanned);
                if (total is long all) w.WriteNumber("files_remaining", Math.Max(0, all - Done)); else w.WriteNull("files_remaining");
                w.WriteNumber("bytes_copied", BytesCopied);
                w.WriteNumber("bytes_verified", BytesVerified);
                w.WriteNumber("requests", Requests);
                w.WriteNumber("retries", Retries);
                w.WriteNumber("duration_seconds", Math.Round(seconds, 3));
                w.WriteNumber("objects_per_second", Math.Round(Done / seconds, 3));
                w.WriteNumber("bytes_per_second", Math.Round(BytesVerified / seconds, 1));
                w.WriteStartObject("by_type");
                foreach (var t in _byType)
                {
                    w.WriteStartObject(t.Key);
                    w.WriteNumber("verified", t.Value.Verified);
                    w.WriteNumber("failed", t.Value.Failed);
                    w.WriteNumber("bytes", t.Value.Bytes);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            });
        }

        private TypeTally Tally(string type)
        {
            if (!_byType.TryGetValue(type, out var t)) _byType[type] = t = new TypeTally();
            return t;
        }
    }
}
