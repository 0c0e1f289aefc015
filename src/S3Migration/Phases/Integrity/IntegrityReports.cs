using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3Migration.Model;
using S3Migration.Reports;
using S3Migration.Workspace;

namespace S3Migration.Phases.Integrity
{
    /// <summary>Where an integrity check's findings are written: a watch run's own dated report, or the migration's.</summary>
    public static class IntegrityReports
    {
        /// <summary>
        /// With <paramref name="reportPath"/> (a watch run): that report only; the migration's verification_report.csv
        /// and rollback_plan.json stay as they are. Else, with a workspace: verification_report.csv and the rollback plan
        /// of every copy the migration made. Returns the report written, or null.
        /// </summary>
        /// <param name="copies">the whole migration's copies (the journal's), else the ones checked</param>
        public static string? Write(string? workspace, string? reportPath, IReadOnlyList<IntegrityResult> results, IEnumerable<ExpectedCopy> copies)
        {
            if (reportPath != null)
            {
                AtomicFile.EnsureFolder(Path.GetDirectoryName(reportPath)!);
                VerificationReport.WriteTo(reportPath, null, results);
                return reportPath;
            }
            if (workspace == null) return null;
            AtomicFile.EnsureFolder(workspace);
            VerificationReport.Write(workspace, results);
            RollbackPlan.Write(workspace, copies.Where(e => e.Migrated).Select(RollbackEntry.From).ToList());
            return Path.Combine(workspace, VerificationReport.CsvName);
        }
    }
}
