using System.Globalization;
using System.IO;
using System.Text.Json;
using S3Migration.Storage;
using S3Migration.Workspace;

namespace S3Migration.Reports
{
    /// <summary>
    /// backup_summary.json: the figures of the last Backup-MigrationSource run, for the final report. The field names
    /// are a contract with that report: snake_case, exactly these. Written whole (AtomicFile).
    /// </summary>
    public static class BackupSummary
    {
        public const string FileName = "backup_summary.json";

        public static string PathIn(string workspace) => Path.Combine(workspace, FileName);

        public static void Write(BackupOptions o, BackupOutcome r)
        {
            AtomicFile.Write(PathIn(o.Workspace), stream =>
            {
                using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                w.WriteStartObject();
                w.WriteString("source", o.SourceUrl);
                w.WriteString("backup", o.BackupUrl);
                w.WriteString("storage_class", o.StorageClass);
                if (r.LifecycleRuleId != null) w.WriteString("lifecycle_rule_id", r.LifecycleRuleId); else w.WriteNull("lifecycle_rule_id");
                if (r.TransitionAfterDays.HasValue) w.WriteNumber("transition_after_days", r.TransitionAfterDays.Value); else w.WriteNull("transition_after_days");
                w.WriteNumber("source_objects", r.SourceObjects);
                w.WriteNumber("source_bytes", r.SourceBytes);
                w.WriteNumber("backed_up_objects", r.BackedUpObjects);
                w.WriteNumber("backed_up_bytes", r.BackedUpBytes);
                w.WriteNumber("verified", r.Verified);
                w.WriteNumber("failed", r.Failed);
                w.WriteBoolean("complete", r.Complete);
                w.WriteString("started", r.Started.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
                w.WriteString("finished", r.Finished.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
                w.WriteEndObject();
            });
        }
    }
}
