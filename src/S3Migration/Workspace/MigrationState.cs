using System;
using System.IO;
using System.Text.Json;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// migration_state.json: who this migration is, and which people CSV it serves. Every phase reads it, so the gates
    /// between phases (PhaseGates) ask the same questions of the same facts:
    /// - MigrationId tags every copy the migration makes (migration-id), so a copy made by a run that was killed before
    ///   it journaled the copy is still known as the migration's own on resume, and Undo-Migration removes it;
    /// - CsvPath is the people CSV whose URLs the migration rewrites: the cleanup keeps every source it still names, and
    ///   Restore-OutputCsv checks its URLs against what the cleanup deleted.
    /// Written atomically; the id is created once and never changes.
    /// </summary>
    public sealed class MigrationState
    {
        public const string FileName = "migration_state.json";

        /// <summary>The migration's id (32 hex characters), or "" for a workspace that has none yet.</summary>
        public string MigrationId { get; private set; } = "";
        /// <summary>The full path of the people CSV the migration serves, or null while no phase has named one.</summary>
        public string? CsvPath { get; private set; }
        public DateTime Created { get; private set; }

        public static string PathIn(string workspace) => Path.Combine(workspace, FileName);

        /// <summary>The workspace's state; an empty one (no id, no CSV) when the file does not exist.</summary>
        public static MigrationState Load(string workspace)
        {
            var path = PathIn(workspace);
            if (!File.Exists(path)) return new MigrationState();
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
                var root = doc.RootElement;
                return new MigrationState
                {
                    MigrationId = root.TryGetProperty("migration_id", out var id) ? id.GetString() ?? "" : "",
                    CsvPath = root.TryGetProperty("csv_path", out var csv) && csv.ValueKind == JsonValueKind.String ? csv.GetString() : null,
                    Created = root.TryGetProperty("created", out var c) && c.TryGetDateTime(out var t) ? t.ToUniversalTime() : default,
                };
            }
            catch (JsonException ex)
            {
                throw new MigrationException("WorkspaceStateMalformed", MigrationErrorKind.InvalidData,
                    $"{FileName} in '{workspace}' is not valid JSON ({ex.Message}); it records the migration's id and people CSV. Repair it or restore it from the workspace archive.", ex, path);
            }
        }

        /// <summary>The workspace's state with a migration id, created (and written) on first use.</summary>
        public static MigrationState Ensure(string workspace)
        {
            var s = Load(workspace);
            if (s.MigrationId.Length > 0) return s;
            s.MigrationId = Guid.NewGuid().ToString("N");
            s.Created = DateTime.UtcNow;
            AtomicFile.EnsureFolder(workspace);
            s.Write(workspace);
            return s;
        }

        /// <summary>
        /// Records the people CSV this migration serves (by full path). A workspace serves one CSV: naming another is
        /// refused, since the cleanup and the restore would otherwise check the wrong file.
        /// </summary>
        public static MigrationState RecordCsv(string workspace, string csvPath)
        {
            CheckCsv(workspace, csvPath);
            var s = Ensure(workspace);
            if (s.CsvPath == null) { s.CsvPath = System.IO.Path.GetFullPath(csvPath); s.Write(workspace); }
            return s;
        }

        /// <summary>Refuses, before any work and without writing, a CSV other than the one the workspace serves.</summary>
        public static void CheckCsv(string workspace, string csvPath)
        {
            var s = Load(workspace);
            var full = System.IO.Path.GetFullPath(csvPath);
            if (s.CsvPath != null && !SamePath(s.CsvPath, full))
                throw new MigrationException("WorkspaceServesOtherCsv", MigrationErrorKind.InvalidArgument,
                    $"The workspace '{workspace}' serves the people CSV '{s.CsvPath}', not '{full}'. Use that CSV, or another -WorkspacePath for a migration of this one.", target: full);
        }

        private static bool SamePath(string a, string b) =>
            string.Equals(System.IO.Path.GetFullPath(a), System.IO.Path.GetFullPath(b),
                System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

        private void Write(string workspace) => AtomicFile.Write(PathIn(workspace), stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteString("migration_id", MigrationId);
            if (CsvPath != null) w.WriteString("csv_path", CsvPath); else w.WriteNull("csv_path");
            w.WriteString("created", Created.ToUniversalTime().ToString("o", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndObject();
        });
    }
}
