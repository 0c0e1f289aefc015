using System;

namespace S3Migration.Planning
{
    /// <summary>
    /// The gates between the phases of the migration, in one place: pure decisions that the cmdlets and engines ask,
    /// never answer themselves.
    /// </summary>
    public static class PhaseGates
    {
        /// <summary>
        /// Integrity check -> CSV update: whether an object that comes through the pipeline into Update-OutputCsv may have
        /// its URL rewritten. Only what arrives verified: Test-MigrationIntegrity's Verified, or Copy-PersonFiles' Verified
        /// and Skipped (an earlier run verified it and both sides are unchanged). Anything else (Mismatch, Missing,
        /// SourceChanged, Failed, Conflict, an inventory's Planned) keeps its old URL, whatever the journal says.
        /// The URL is rewritten only if the journal also records the copy as verified.
        /// </summary>
        public static bool ArrivesVerified(string? status) =>
            string.Equals(status, nameof(IntegrityStatus.Verified), StringComparison.OrdinalIgnoreCase)
            || string.Equals(status, nameof(MigrationResultStatus.Skipped), StringComparison.OrdinalIgnoreCase);
    }
}
