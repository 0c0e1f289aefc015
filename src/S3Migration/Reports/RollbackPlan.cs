using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using S3Migration.Model;
using S3Migration.Workspace;

namespace S3Migration.Reports
{
    /// <summary>One successful copy and how to undo it: delete the destination, but only while it is exactly what was copied.</summary>
    public sealed class RollbackEntry : PlannedCopy
    {
        public long Size { get; set; }
        public string DestinationETag { get; set; } = "";
        /// <summary>Why the destination is kept, not deleted: the migration did not create it, or replaced other content there. Empty: delete it if unchanged.</summary>
        public string Keep { get; set; } = "";
        /// <summary>
        /// What the destination must still match to be "exactly what was copied" (the one rule): the journal's full record
        /// where the entry comes from the journal; size and ETag only for an entry read from rollback_plan.json.
        /// </summary>
        public CopyProof Proof { get; set; } = new CopyProof();

        /// <summary>
        /// The rollback of one copy the journal or the input records as migrated. (Once ExpectedCopy is a RecordedCopy,
        /// the plan's fields come over with TakePlan.)
        /// </summary>
        public static RollbackEntry From(ExpectedCopy e) => new RollbackEntry
        {
            RowId = e.RowId, PersonName = e.PersonName, FileType = e.FileType,
            SourceBucket = e.SourceBucket, SourceKey = e.SourceKey, TargetBucket = e.TargetBucket, TargetKey = e.TargetKey,
            Size = e.Size, DestinationETag = e.DestinationETag, Keep = e.Keep, Proof = e.Proof,
        };
    }

    /// <summary>
    /// rollback_plan.json (plan phase 2, "Create rollback inventory"): every successful copy, its reverse operation,
    /// and how to restore the people CSV. Undo-Migration executes it.
    /// </summary>
    public static class RollbackPlan
    {
        public const string FileName = "rollback_plan.json";
        /// <summary>The reverse action of a destination that a rollback leaves as it is.</summary>
        public const string KeepAction = "Keep";

        /// <summary>The copies of the journal that verified: the ones a rollback may undo.</summary>
        public static List<RollbackEntry> FromJournal(string workspace)
        {
            var path = Path.Combine(workspace, MigrationJournal.FileName);
            if (!File.Exists(path)) return new List<RollbackEntry>();
            return CopyJournal.LastWordPerSource(JournalReader.ReadFile(path)).Where(e => e.Migrated).Select(RollbackEntry.From).ToList();
        }

        /// <summary>
        /// The union of a rollback plan and the journal's copies, one entry per source: the journal's where both
        /// have one (it is never older than the plan), then the plan's copies the journal does not record.
        /// </summary>
        public static List<RollbackEntry> Merge(IEnumerable<RollbackEntry> plan, IReadOnlyList<RollbackEntry> journal)
        {
            var inJournal = new HashSet<S3Location>(journal.Select(e => e.Source()));
            return journal.Concat(plan.Where(e => inJournal.Add(e.Source()))).ToList();
        }

        public static void Write(string workspace, IReadOnlyList<RollbackEntry> copies)
        {
            var backups = FindCsvBackups(workspace);
            AtomicFile.Write(Path.Combine(workspace, FileName), stream =>
            {
                using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                w.WriteStartObject();
                w.WriteString("generated_at", DateTime.UtcNow.ToString("o"));
                w.WriteString("workspace", workspace);
                w.WriteNumber("copies_count", copies.Count);
                w.WriteStartArray("procedure");
                w.WriteStringValue($"Undo-Migration -WorkspacePath '{workspace}' -WhatIf    # lists what would be deleted, changes nothing");
                w.WriteStringValue($"Undo-Migration -WorkspacePath '{workspace}'           # deletes each copy that is still exactly what was copied; asks first (ConfirmImpact High)");
                w.WriteStringValue("Sources are never touched: the old person folders stay as they are until cleanup.");
                w.WriteStringValue(backups.Count > 0
                    ? $"Restore-OutputCsv -WorkspacePath '{workspace}'    # puts the people CSV back from {backups[0]} after checking its .md5"
                    : "The people CSV has not been updated from this workspace; after Update-OutputCsv, Restore-OutputCsv -WorkspacePath undoes it.");
                w.WriteEndArray();
                w.WriteStartObject("csv");
                w.WriteStartArray("backups");
                foreach (var b in backups) w.WriteStringValue(b);
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteStartArray("copies");
                foreach (var c in copies)
                {
                    w.WriteStartObject();
                    w.WriteString("source", c.Source().ToString());
                    w.WriteString("destination", c.Target().ToString());
                    w.WriteNumber("size", c.Size);
                    w.WriteString("destination_etag", c.DestinationETag);
                    w.WriteStartObject("reverse");
                    if (c.Keep.Length > 0)
                    {
                        // Not created by the migration (or it replaced other content): a rollback leaves it.
                        w.WriteString("action", KeepAction);
                        w.WriteString("reason", c.Keep);
                    }
                    else
                    {
                        w.WriteString("action", "DeleteObject");
                        w.WriteString("bucket", c.TargetBucket);
                        w.WriteString("key", c.TargetKey);
                        w.WriteString("only_if", $"size is {c.Size} and ETag is {c.DestinationETag}");
                    }
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }

        public static List<RollbackEntry> Read(string workspace)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(workspace, FileName)));
            return doc.RootElement.GetProperty("copies").EnumerateArray().Select(c =>
            {
                var (sb, sk) = S3Location.TryParse(c.GetProperty("source").GetString()) ?? new S3Location("", "");
                var (tb, tk) = S3Location.TryParse(c.GetProperty("destination").GetString()) ?? new S3Location("", "");
                var reverse = c.TryGetProperty("reverse", out var rv) && rv.ValueKind == JsonValueKind.Object ? rv : default;
                var action = reverse.ValueKind == JsonValueKind.Object && reverse.TryGetProperty("action", out var a) ? a.GetString() ?? "" : "DeleteObject";
                var size = c.GetProperty("size").GetInt64();
                var etag = c.GetProperty("destination_etag").GetString() ?? "";
                return new RollbackEntry
                {
                    SourceBucket = sb, SourceKey = sk, TargetBucket = tb, TargetKey = tk, Size = size, DestinationETag = etag,
                    Proof = CopyProof.FromRecord(size, "", "", etag, "", "", null),
                    // Anything but a DeleteObject is kept (an older plan has only DeleteObject).
                    Keep = action == "DeleteObject" ? "" : reverse.TryGetProperty("reason", out var why) && why.GetString() is { Length: > 0 } w ? w : $"the rollback plan says {action}",
                };
            }).ToList();
        }

        /// <summary>The CSV backups Update-OutputCsv took from this workspace (csv_update.json), first the one from before any rewrite.</summary>
        private static List<string> FindCsvBackups(string workspace) =>
            CsvUpdateLog.Read(workspace).Where(u => u.Action == CsvUpdateRecord.Update).Select(u => u.BackupPath).Distinct().ToList();
    }
}
