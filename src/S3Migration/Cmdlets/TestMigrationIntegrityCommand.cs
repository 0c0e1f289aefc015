using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3Migration.Model;
using S3Migration.PeopleCsv;
using S3Migration.Phases.Integrity;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Test-MigrationIntegrity: is every migrated file where it should be, byte for byte? Takes Copy-PersonFiles'
    /// results from the pipeline, or reads the journal of -WorkspacePath (the daily and weekly checks). Reads only.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "MigrationIntegrity", HelpUri = HelpLinks.Integrity, DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(IntegrityResult), typeof(IntegritySummary))]
    public sealed class TestMigrationIntegrityCommand : S3CmdletBase
    {
        [Parameter(ValueFromPipelineByPropertyName = true)] [ValidateBucketName] [ArgumentCompleter(typeof(BucketNameCompleter))] public string? SourceBucket { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("key", "old_s3_path")] public string? SourceKey { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] [ValidateBucketName] [ArgumentCompleter(typeof(BucketNameCompleter))] public string? TargetBucket { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("target_key", "new_s3_path")] public string? TargetKey { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("file_size")] public long? Size { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("md5_hash")] public string? Md5 { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("source_etag")] public string? SourceETag { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("destination_etag")] public string? DestinationETag { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("content_type")] public string? ContentType { get; set; }
        /// <summary>The digest of the source's preserved headers and user metadata, as Copy-PersonFiles recorded it.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("headers_digest")] public string? HeadersDigest { get; set; }
        /// <summary>How many tags the copy gave the destination.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("tag_count")] public int? TagCount { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("row_id")] public string? RowId { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("person_name")] public string? PersonName { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("file_type")] [ArgumentCompleter(typeof(FileTypeCompleter))] public string? FileType { get; set; }
        /// <summary>The copy's status: Verified and Skipped are migrated; Failed and Conflict are not; NotPlanned is ignored.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("result")] public string? Status { get; set; }
        [Parameter(ValueFromPipelineByPropertyName = true)] public string? Notes { get; set; }
        /// <summary>
        /// How the copy's destination came to be (Copied, FoundIdentical, MadeEarlier, Overwrote): what the rollback plan
        /// keeps when no journal tells.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)] public string? Origin { get; set; }
        /// <summary>When the copy was made; tells files left out of the migration from uploads made after it.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true), Alias("copy_timestamp")] public DateTime? Timestamp { get; set; }

        /// <summary>The workspace: its journal when nothing is piped in, its inventory for completeness, and where the reports go.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string? WorkspacePath { get; set; }

        /// <summary>
        /// Write the verification report (CSV) to this new file instead of the workspace's
        /// verification_report.csv, and no rollback_plan.json: the watch's dated reports, which must never replace the
        /// migration's own. An existing file is never overwritten.
        /// </summary>
        [Parameter] [ValidateNotNullOrEmpty] public string? ReportPath { get; set; }

        [Parameter] [ValidateNotNullOrEmpty] public string? CsvPath { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string? RowIdColumn { get; set; }
        [Parameter] public Hashtable? FileTypeMap { get; set; }
        [Parameter] public SwitchParameter Deep { get; set; }
        /// <summary>
        /// Listing (default): decide each copy from the type folders' listing (size and the ETag the copy verified), HEAD
        /// only what a listing cannot prove. Head: HEAD every destination and check its headers, metadata and tag count too.
        /// </summary>
        [Parameter] [ValidateSet("Listing", "Head")] public string Verify { get; set; } = "Listing";
        [Parameter] public SwitchParameter SkipSourceCheck { get; set; }
        [Parameter] public SwitchParameter Summary { get; set; }
        [Parameter] [ValidateRange(1, 256)] public int ThrottleLimit { get; set; } = 16;
        /// <summary>Retries of a request after throttling, server errors or dropped connections, as Copy-PersonFiles.</summary>
        [Parameter] [ValidateRange(0, 20)] public int MaxRetries { get; set; } = 5;

        private readonly List<ExpectedCopy> _piped = new List<ExpectedCopy>();
        private string? _workspace;

        protected override void ProcessRecord()
        {
            if (WorkspacePath != null && _workspace == null) _workspace = SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorkspacePath);
            // A row of migration_log.csv (Import-Csv) names its objects as s3://bucket/key (old_s3_path, new_s3_path).
            // Read into locals: a parameter set here would outlive this record, as no binding resets it.
            var (sourceBucket, sourceKey, targetBucket, targetKey) = (SourceBucket, SourceKey, TargetBucket, TargetKey);
            if (string.IsNullOrEmpty(sourceBucket) && S3Location.TryParse(sourceKey) is { } source)
            {
                (sourceBucket, sourceKey) = (source.Bucket, source.Key);
                if (S3Location.TryParse(targetKey) is { } target) (targetBucket, targetKey) = (target.Bucket, target.Key);
            }
            if (string.IsNullOrEmpty(sourceKey) || string.IsNullOrEmpty(sourceBucket)) return;
            if (string.Equals(Status, nameof(MigrationResultStatus.NotPlanned), StringComparison.OrdinalIgnoreCase)) return;
            _piped.Add(new ExpectedCopy
            {
                SourceBucket = sourceBucket!, SourceKey = sourceKey!, TargetBucket = targetBucket ?? sourceBucket!, TargetKey = targetKey ?? "",
                Size = Size ?? 0, Md5 = Md5 ?? "", SourceETag = SourceETag ?? "", DestinationETag = DestinationETag ?? "", ContentType = ContentType ?? "",
                HeadersDigest = HeadersDigest ?? "", TagCount = TagCount,
                RowId = RowId ?? "", PersonName = PersonName ?? "", FileType = FileType ?? "", Notes = Notes ?? "", Timestamp = Timestamp ?? default,
                // A hand-made object without a Status names a copy to check; otherwise the CSV update's gate decides.
                Migrated = string.IsNullOrEmpty(Status) || PhaseGates.ArrivesVerified(Status),
                // What the rollback plan keeps, when no journal tells (the journal's rows win): what the copy found already there, or replaced.
                Keep = Enum.TryParse<CopyOrigin>(Origin, ignoreCase: true, out var origin) ? ExpectedCopy.KeepFor(origin) : "",
            });
        }

        /// <summary>
        /// The people CSV the workspace serves (migration_state.json), read so that a new upload for a person added after
        /// the migration is recognised. Not a check of the CSV: a CSV that cannot be read just recognises nobody more.
        /// </summary>
        private IReadOnlyDictionary<string, PersonRow>? PeopleOfWorkspace(string workspace)
        {
            try
            {
                var csv = Workspace.MigrationState.Load(workspace).CsvPath;
                return csv != null && File.Exists(csv) ? PeopleCsvReader.Read(csv, RowIdColumn) : null;
            }
            catch (MigrationException ex)
            {
                WriteVerbose($"The people CSV of the workspace could not be read ({ex.Message}); new uploads are recognised for the migration's own people only.");
                return null;
            }
        }

        protected override void EndProcessing()
        {
            IReadOnlyList<ExpectedCopy> expected = _piped;
            // The whole migration, as the workspace's journal records it: what is checked without pipeline input, and
            // with it, what earlier runs copied (not Unexpected, not unplanned) and what the rollback plan lists.
            List<ExpectedCopy>? journaled = null;
            if (_piped.Count == 0 && _workspace == null)
                TerminateInvalidArgument(new ArgumentException("Pipe Copy-PersonFiles results in, or give -WorkspacePath to check the migration its journal records."), "NothingToCheck", null);
            var journal = _workspace != null ? Path.Combine(_workspace, MigrationJournal.FileName) : null;
            if (_piped.Count == 0 && !File.Exists(journal))
                ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"No {MigrationJournal.FileName} in '{_workspace}': run Copy-PersonFiles with this -WorkspacePath first.", journal),
                    "JournalNotFound", ErrorCategory.ObjectNotFound, journal));
            if (journal != null && File.Exists(journal))
            {
                try { journaled = CopyJournal.LastWordPerSource(JournalReader.ReadFile(journal)); }
                catch (InvalidDataException ex) { TerminateJournalMalformed(ex, journal); }
            }
            if (_piped.Count == 0)
            {
                expected = journaled!;
                WriteVerbose($"Checking {Plural.Of(expected.Count, "copy", "copies")} recorded in {journal}.");
            }
            else if (journaled != null)
                WriteVerbose($"Checking {Plural.Of(_piped.Count, "copy", "copies")} piped in; {journal} records {Plural.Of(journaled.Count, "copy", "copies")} of the whole migration.");

            string? reportPath = null;
            if (ReportPath != null)
            {
                reportPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ReportPath);
                if (File.Exists(reportPath))
                    Terminate(new MigrationException("ReportExists", MigrationErrorKind.WriteError,
                        $"'{reportPath}' already exists; a report is never overwritten. Give -ReportPath a new file name, such as one with the date and time.", target: reportPath));
            }

            // -Deep reads tags and content, so it HEADs every copy as well.
            var headEveryCopy = Deep || string.Equals(Verify, "Head", StringComparison.OrdinalIgnoreCase);
            var options = new IntegrityOptions { Deep = Deep, HeadEveryCopy = headEveryCopy, SkipSourceCheck = SkipSourceCheck, WatchOldLayout = true, ThrottleLimit = ThrottleLimit, MaxRetries = MaxRetries };
            try
            {
                options.Types = Rules.FileTypeMap.Create(FileTypeMap);
                if (CsvPath != null) options.CsvRows = PeopleCsvReader.Read(SessionState.Path.GetUnresolvedProviderPathFromPSPath(CsvPath), RowIdColumn);
                if (_workspace != null)
                {
                    var (all, planned) = InventoryChecksumsWriter.ReadKeys(_workspace);
                    options.Inventoried = all;
                    options.Planned = planned;
                    if (planned != null) WriteVerbose($"The inventory in the workspace planned {Plural.Of(planned.Count, "object")}; each must have a verified destination.");
                    options.Excluded = Workspace.ExcludedByChoice.Read(_workspace);
                    if (options.Excluded.Count > 0) WriteVerbose($"{options.Excluded.Count} of them were left out of the copy by choice ({Workspace.ExcludedByChoice.FileName}).");
                    options.People = PeopleOfWorkspace(_workspace);
                }
            }
            catch (MigrationException ex) { Terminate(ex); }
            catch (ArgumentException ex) { Terminate(new MigrationException("InvalidNamingParameter", MigrationErrorKind.InvalidArgument, ex.Message, ex)); }

            S3Session? s3 = null;
            try
            {
                s3 = Connect();
                var checker = new IntegrityChecker(s3, S3ClientFactory.Describe(Connection), options);
                // A new record every half second, with counts: a long check must show that it moves.
                var (results, summary) = RunReporting(checker.CheckAsync(expected, StopToken, _piped.Count > 0 ? journaled : null), TimeSpan.FromMilliseconds(500),
                    () => Progress(3, "Test-MigrationIntegrity", checker.ToCheck == 0
                        ? $"Listing the destination and source folders of {Plural.Grouped(expected.Count, "copy", "copies")}"
                        : $"{checker.Checked:N0} of {Plural.Grouped(checker.ToCheck, "copy", "copies")} checked", checker.ToCheck == 0 ? null : 100 * checker.Checked / checker.ToCheck));
                foreach (var r in results) r.WorkspacePath = _workspace ?? "";
                WriteProgress(new ProgressRecord(3, "Test-MigrationIntegrity", "Done") { RecordType = ProgressRecordType.Completed });
                summary.ReportPath = IntegrityReports.Write(_workspace, reportPath, results, journaled ?? expected) ?? summary.ReportPath;
                WriteVerbose($"{summary} ({checker.Requests} S3 requests; {Plural.Of(checker.Headed, "destination")} HEADed"
                             + (headEveryCopy ? ")." : ", the others decided from the listing: use -Verify Head to read every copy's headers and tags)."));
                if (!summary.AllVerified) WriteWarning(summary.ToString());
                if (Summary) WriteObject(summary);
                else foreach (var r in results) WriteObject(r);
            }
            catch (MigrationException ex) { Terminate(ex); }
            catch (IOException ex) { Terminate(new MigrationException("WorkspaceWriteFailed", MigrationErrorKind.WriteError, $"Writing the reports to '{reportPath ?? _workspace}' failed: {ex.Message}", ex, reportPath ?? _workspace)); }
            finally { s3?.Dispose(); }
        }
    }
}
