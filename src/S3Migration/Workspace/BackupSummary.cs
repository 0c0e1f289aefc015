using System.Globalization;
using System.IO;
using System.Text.Json;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// backup_summary.json: the figures of the last Backup-MigrationSource run, for the final report. The field names
    /// are a contract with that report: snake_case, exactly these. Written whole (AtomicFile).
    /// storage_class is what the backup objects are in as the completion listing showed them (STANDARD while a lifecycle
    /// rule has yet to move them, "mixed" when they differ), never the class they are only going to be in:
    /// target_storage_class, transition_after_days and the lifecycle fields say that, and objects_not_transitioned says
    /// how many S3 would leave in STANDARD, and why.
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
                w.WriteString("storage_class", r.StorageClassNow.Length > 0 ? r.StorageClassNow : o.WriteClass);
                w.WriteStartObject("storage_classes");
                foreach (var c in r.StorageClasses) w.WriteNumber(c.Key, c.Value);
                w.WriteEndObject();
                w.WriteString("written_storage_class", o.WriteClass);
                w.WriteString("target_storage_class", o.StorageClass);
                if (r.LifecycleRuleId != null) w.WriteString("lifecycle_rule_id", r.LifecycleRuleId); else w.WriteNull("lifecycle_rule_id");
                if (r.TransitionAfterDays.HasValue) w.WriteNumber("transition_after_days", r.TransitionAfterDays.Value); else w.WriteNull("transition_after_days");
                if (r.LifecycleSizeFilter != null) w.WriteString("lifecycle_size_filter", r.LifecycleSizeFilter); else w.WriteNull("lifecycle_size_filter");
                if (r.TransitionDefaultMinimumObjectSize != null) w.WriteString("transition_default_minimum_object_size", r.TransitionDefaultMinimumObjectSize); else w.WriteNull("transition_default_minimum_object_size");
                if (r.LifecycleRuleId != null) w.WriteNumber("objects_not_transitioned", r.NotTransitioned); else w.WriteNull("objects_not_transitioned");
                if (r.NotTransitionedReason.Length > 0) w.WriteString("not_transitioned_reason", r.NotTransitionedReason); else w.WriteNull("not_transitioned_reason");
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
