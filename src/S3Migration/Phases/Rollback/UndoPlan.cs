using System;
using System.Collections.Generic;
using System.IO;
using S3Migration.Model;
using S3Migration.Reports;

namespace S3Migration.Phases.Rollback
{
    /// <summary>
    /// What Undo-Migration undoes: rollback_plan.json together with the journal's verified copies, and what the workspace
    /// knows of their sources. The journal and the plan together, because copies made after the last integrity check are
    /// only in the journal, and the journal's last verified row of a source is newer than any plan entry for it.
    /// </summary>
    public sealed class UndoPlan
    {
        public List<RollbackEntry> Entries { get; private set; } = new List<RollbackEntry>();
        /// <summary>How many of the entries come from the journal (the rest only from rollback_plan.json).</summary>
        public int FromJournal { get; private set; }
        public RollbackSources Known { get; private set; } = new RollbackSources();
        public string PlanPath { get; private set; } = "";

        /// <summary>Reads the plan; a workspace file that cannot be read is a terminating error (RollbackPlanUnreadable).</summary>
        public static UndoPlan Load(string workspace)
        {
            var planPath = Path.Combine(workspace, RollbackPlan.FileName);
            try
            {
                var known = RollbackSources.FromWorkspace(workspace);
                var fromPlan = File.Exists(planPath) ? RollbackPlan.Read(workspace) : new List<RollbackEntry>();
                var fromJournal = RollbackPlan.FromJournal(workspace);
                var entries = RollbackPlan.Merge(fromPlan, fromJournal);
                known.ReadCsvReferences(workspace, entries);
                return new UndoPlan { Entries = entries, FromJournal = fromJournal.Count, Known = known, PlanPath = planPath };
            }
            catch (Exception ex) when (ex is IOException || ex is System.Text.Json.JsonException || ex is InvalidDataException || ex is KeyNotFoundException)
            {
                throw new MigrationException("RollbackPlanUnreadable", MigrationErrorKind.InvalidData, $"The rollback plan in '{workspace}' could not be read: {ex.Message}", ex, planPath);
            }
        }

        /// <summary>A plan without entries is a terminating error (NothingToUndo).</summary>
        public void EnsureSomethingToUndo(string workspace)
        {
            if (Entries.Count == 0)
                throw new MigrationException("NothingToUndo", MigrationErrorKind.NotFound,
                    $"'{workspace}' has no {RollbackPlan.FileName} and no verified copy in its journal: there is nothing to undo.", target: workspace);
        }
    }
}
