using System;
using System.Collections.Generic;

namespace S3Migration.Model
{
    /// <summary>
    /// Verified, Missing, Mismatch, SourceChanged and Unexpected are the check's findings (all but Verified are alarms).
    /// Excluded: planned by the inventory but left out of the copy by the operator's choice (a filter in the pipeline),
    /// recorded in the workspace; not an alarm, and not counted Missing. NewUpload: a new object in a destination type
    /// folder whose key follows the naming rule (the application's normal upload); information, not an alarm.
    /// </summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum IntegrityStatus { Verified, Missing, Mismatch, SourceChanged, Unexpected, Excluded, NewUpload }

    public static class IntegrityStatusRule
    {
        /// <summary>Whether a finding needs an operator: everything but Verified and the two kinds of information.</summary>
        public static bool IsAlarm(this IntegrityStatus status) =>
            status != IntegrityStatus.Verified && status != IntegrityStatus.Excluded && status != IntegrityStatus.NewUpload;
    }

    /// <summary>
    /// What Test-MigrationIntegrity found for one file: a planned copy (its addresses) with what the check saw. Not a
    /// RecordedCopy: its sizes are the ones found on each side (SourceSize, DestinationSize), and its ContentType is the
    /// destination's, beside the ExpectedContentType the copy recorded (names the views, Pester and Update-OutputCsv bind to).
    /// </summary>
    public sealed class IntegrityResult : PlannedCopy
    {
        public IntegrityStatus Status { get; set; }
        public string Reason { get; set; } = "";
        public long? SourceSize { get; set; }
        public long? DestinationSize { get; set; }
        /// <summary>The source's MD5 as recorded by the copy (or the inventory).</summary>
        public string Md5 { get; set; } = "";
        public string SourceETag { get; set; } = "";
        public string DestinationETag { get; set; } = "";
        public string ExpectedContentType { get; set; } = "";
        public string ContentType { get; set; } = "";
        public bool? ContentTypeMatch { get; set; }
        /// <summary>What proved the content: etag (as recorded at the copy), md5, or content (hashed, -Deep).</summary>
        public string CheckedBy { get; set; } = "";
        /// <summary>
        /// The workspace whose migration was checked: binds -WorkspacePath of Update-OutputCsv (and of a second
        /// Test-MigrationIntegrity), so the four cmdlets of the design card chain in one pipeline.
        /// </summary>
        public string WorkspacePath { get; set; } = "";

        /// <summary>The check could not reach a verdict (an S3 error, say): reported Mismatch, and "!" in the combined report.</summary>
        internal bool CouldNotCheck { get; set; }

        internal void AddReason(string reason) => Reason = Reason.Length == 0 ? reason : Reason + "; " + reason;

        public override string ToString() => $"{Status} {(TargetKey.Length > 0 ? TargetKey : SourceKey)}";
    }

    /// <summary>Test-MigrationIntegrity -Summary: the whole answer in one object.</summary>
    public sealed class IntegritySummary
    {
        /// <summary>
        /// True when something was verified and nothing raised an alarm (Missing, Mismatch, SourceChanged, Unexpected).
        /// Excluded files and new uploads are information: they are counted apart and never make this false.
        /// </summary>
        public bool AllVerified { get; set; }
        public int Checked { get; set; }
        public int Verified { get; set; }
        public int Missing { get; set; }
        public int Mismatch { get; set; }
        public int SourceChanged { get; set; }
        public int Unexpected { get; set; }
        /// <summary>Planned files the operator left out of the copy (a filter before Copy-PersonFiles); not an alarm.</summary>
        public int Excluded { get; set; }
        /// <summary>New objects in the type folders whose keys follow the naming rule (the application's uploads); not an alarm.</summary>
        public int NewUploads { get; set; }
        /// <summary>The new uploads, as s3://bucket/key.</summary>
        public IList<string> NewUploadKeys { get; set; } = new List<string>();
        /// <summary>Per type: files the migration should have placed, and files verified in place.</summary>
        public IDictionary<string, TypeVerification> ByType { get; set; } = new SortedDictionary<string, TypeVerification>(StringComparer.Ordinal);
        /// <summary>Source keys with no verified destination.</summary>
        public IList<string> MissingKeys { get; set; } = new List<string>();
        /// <summary>CSV persons (row_id name) with a file that is not verified.</summary>
        public IList<string> PersonsIncomplete { get; set; } = new List<string>();
        public int PersonsChecked { get; set; }
        public DateTime CheckedAt { get; set; }
        public string ReportPath { get; set; } = "";

        public override string ToString() =>
            $"{(AllVerified ? "All verified" : "NOT all verified")}: {Verified} verified, {Missing} missing, {Mismatch} mismatched, {SourceChanged} sources changed, {Unexpected} unexpected"
            + (Excluded > 0 ? $"; {Excluded} excluded by choice" : "") + (NewUploads > 0 ? $"; {NewUploads} new upload{(NewUploads == 1 ? "" : "s")} following the naming rule" : "");
    }
}
