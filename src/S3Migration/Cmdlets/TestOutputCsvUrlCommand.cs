using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using S3Migration.Model;
using S3Migration.PeopleCsv;
using S3Migration.Phases.UrlCheck;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Test-OutputCsvUrl: checks every URL of the people CSV with a HEAD request (a GET and an MD5 comparison with
    /// -Download) and says which person each failure belongs to (plan phases 3 and 4). Reads only.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "OutputCsvUrl", HelpUri = HelpLinks.PeopleCsv, DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(UrlCheckResult))]
    public sealed class TestOutputCsvUrlCommand : S3CmdletBase
    {
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("CsvPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>The copy's workspace: its journal gives the MD5 that -Download compares, and the buckets of the migration.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)] [ValidateNotNullOrEmpty] [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string? WorkspacePath { get; set; }
        [Parameter] public Hashtable? UrlColumn { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string? UrlDelimiter { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string? RowIdColumn { get; set; }
        [Parameter] public SwitchParameter Download { get; set; }
        [Parameter] public SwitchParameter Unsigned { get; set; }
        [Parameter] [ValidateRange(1, 256)] public int ThrottleLimit { get; set; } = 16;
        /// <summary>Retries of a check after throttling, server errors or dropped connections (also in the middle of a body), as Copy-PersonFiles.</summary>
        [Parameter] [ValidateRange(0, 20)] public int MaxRetries { get; set; } = 5;

        private string? _workspace;

        protected override void ProcessRecord()
        {
            if (WorkspacePath != null && _workspace == null) _workspace = SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorkspacePath);
        }

        protected override void EndProcessing()
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            S3Session? s3 = null;
            HttpClient? http = null;
            try
            {
                var journal = _workspace != null ? CopyJournal.LastWordPerSource(_workspace) : new List<ExpectedCopy>();
                var targets = UrlTargets.Of(CsvText.Parse(CsvText.ReadLocked(path), path), CsvUpdateOptions.ColumnsWith(UrlColumn), RowIdColumn, UrlDelimiter, journal);
                WriteVerbose($"Checking {Plural.Of(targets.Count, "URL")} of '{path}' with {(Unsigned ? "unsigned" : "signed")} {(Download ? "GET" : "HEAD")} requests, {ThrottleLimit} at a time.");
                if (targets.Count == 0) return;
                // The SDK's own retries off, as for the copy: every retry is the checker's policy, and counted.
                s3 = Connect(sdkRetries: false);
                http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
                var checker = new UrlChecker(s3, http, new UrlCheckOptions { Download = Download, Unsigned = Unsigned, ThrottleLimit = ThrottleLimit, MaxRetries = MaxRetries });
                var started = DateTime.UtcNow;
                var results = RunReporting(checker.CheckAllAsync(targets, StopToken), TimeSpan.FromMilliseconds(250), () =>
                {
                    var done = checker.Done;
                    var rate = done / Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                    WriteProgress(new ProgressRecord(6, "Test-OutputCsvUrl", $"{done} of {Plural.Of(targets.Count, "URL")}, {rate:0.0}/s") { PercentComplete = 100 * done / targets.Count });
                });
                WriteProgress(new ProgressRecord(6, "Test-OutputCsvUrl", "Done") { RecordType = ProgressRecordType.Completed });
                if (checker.Retries > 0) WriteVerbose($"{Plural.Of(checker.Retries, "retry", "retries")} after throttling, server errors or dropped connections.");
                foreach (var r in results) WriteObject(r);
                var failed = results.Where(r => r.Status != UrlCheckStatus.Ok).ToList();
                if (failed.Count > 0)
                    WriteWarning($"{failed.Count} of {Plural.Of(results.Length, "URL")} failed; people affected: " +
                                 string.Join("; ", failed.GroupBy(r => (r.RowId, r.PersonName)).Take(20).Select(g => $"{g.Key.RowId} {g.Key.PersonName} ({string.Join(", ", g.Select(r => $"{r.Column} {r.Status}"))})")));
            }
            catch (MigrationException ex) { Terminate(ex); }
            catch (ArgumentException ex) { Terminate(new MigrationException("InvalidParameter", MigrationErrorKind.InvalidArgument, ex.Message, ex)); }
            catch (AggregateException ex) when (ex.InnerException is OperationCanceledException) { }
            catch (AggregateException ex) when (ex.InnerException != null)
            {
                // What no single URL explains, such as missing credentials or an unreachable endpoint, stops the command.
                Terminate(S3Errors.ForBucket(ex.InnerException, "(the CSV's buckets)", S3ClientFactory.Describe(Connection)));
            }
            finally { s3?.Dispose(); http?.Dispose(); }
        }
    }
}
