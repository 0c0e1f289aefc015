using System;
using System.Collections;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using S3Migration.Model;
using S3Migration.Phases.Inventory;
using S3Migration.Reports;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Cmdlets
{
    /// <summary>Get-MigrationInventory: lists a bucket and plans every object's move; writes nothing to S3.</summary>
    [Cmdlet(VerbsCommon.Get, "MigrationInventory", HelpUri = HelpLinks.Inventory, DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(MigrationItem))]
    public sealed class GetMigrationInventoryCommand : S3CmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName")]
        [ValidateNotNullOrEmpty]
        [ValidateBucketName] [ArgumentCompleter(typeof(BucketNameCompleter))] public string Bucket { get; set; } = "";

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("KeyPrefix")]
        public string? Prefix { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CsvPath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? RowIdColumn { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateBucketName] [ArgumentCompleter(typeof(BucketNameCompleter))] public string? DestinationBucket { get; set; }

        [Parameter]
        public string? DestinationPrefix { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PersonPattern { get; set; }

        [Parameter]
        public Hashtable? FileTypeMap { get; set; }

        [Parameter]
        public SwitchParameter ComputeMd5 { get; set; }

        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = 8;

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string? WorkspacePath { get; set; }

        protected override void ProcessRecord()
        {
            var where = S3ClientFactory.Describe(Connection);
            var options = new InventoryOptions
            {
                Bucket = Bucket, Prefix = Prefix ?? "", DestinationBucket = DestinationBucket, DestinationPrefix = DestinationPrefix,
                PersonPattern = PersonPattern, FileTypeMap = FileTypeMap, RowIdColumn = RowIdColumn, ComputeMd5 = ComputeMd5,
                ThrottleLimit = ThrottleLimit,
                CsvPath = CsvPath != null ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(CsvPath) : null,
                WorkspacePath = WorkspacePath != null ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorkspacePath) : null,
            };

            InventoryScanner scanner;
            S3Session s3;
            try
            {
                // The workspace remembers which people CSV this migration serves (the cleanup and the restore check it).
                if (options.WorkspacePath != null && options.CsvPath != null)
                    Workspace.MigrationState.CheckCsv(options.WorkspacePath, options.CsvPath);
                s3 = S3Session.Open(Connection);
                scanner = new InventoryScanner(s3, options, where);
            }
            catch (MigrationException ex) { Terminate(ex); return; }

            var activity = $"Inventory of s3://{Bucket}/{TargetKeyBuilder.NormalizePrefix(Prefix)}";
            var clock = Stopwatch.StartNew();
            var lastProgress = TimeSpan.Zero;
            long emitted = 0;
            WriteVerbose($"{activity} at {where}; destination s3://{options.DestinationBucket ?? Bucket}/{scanner.Targets.DestinationPrefix}.");
            try
            {
                // The cmdlet edge: the scan runs async, and its items are written here, on the pipeline thread, as they come.
                foreach (var item in Each(scanner.ScanAsync))
                {
                    WriteObject(item);
                    emitted++;
                    foreach (var line in scanner.Log.Drain()) WriteVerbose(line);
                    if (clock.Elapsed - lastProgress > TimeSpan.FromMilliseconds(250))
                    {
                        lastProgress = clock.Elapsed;
                        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
                        // A new record each time: hosts may keep the records they were given.
                        WriteProgress(new ProgressRecord(1, activity,
                            $"{Plural.Grouped(scanner.ObjectsListed, "object")} listed, {Bytes(scanner.BytesListed)}; {scanner.ObjectsListed / seconds:N0} objects/s"
                            + (ComputeMd5 ? $"; {Bytes(scanner.BytesHashed)} hashed at {Bytes(scanner.BytesHashed / seconds)}/s" : "")));
                    }
                }
            }
            catch (MigrationException ex) { Terminate(ex); }
            catch (IOException ex) { Terminate(new MigrationException("WorkspaceWriteFailed", MigrationErrorKind.WriteError, $"Writing the workspace files under '{options.WorkspacePath}' failed: {ex.Message}", ex, options.WorkspacePath)); }
            catch (UnauthorizedAccessException ex) { Terminate(new MigrationException("WorkspaceWriteFailed", MigrationErrorKind.WriteError, $"Writing the workspace files under '{options.WorkspacePath}' was refused: {ex.Message}", ex, options.WorkspacePath)); }
            catch (ArgumentException ex) { Terminate(new MigrationException("InvalidNamingParameter", MigrationErrorKind.InvalidArgument, ex.Message, ex)); }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested) { return; }
            finally
            {
                WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
                s3.Dispose();
            }
            foreach (var line in scanner.Log.Drain()) WriteVerbose(line);
            if (options.WorkspacePath != null && options.CsvPath != null)
            {
                try { Workspace.MigrationState.RecordCsv(options.WorkspacePath, options.CsvPath); }
                catch (MigrationException ex) { Terminate(ex); }
            }
            WriteVerbose($"Inventory done: {Plural.Grouped(emitted, "object")}, {Bytes(scanner.BytesListed)}, {Plural.Of(scanner.ListRequests, "list request")}, {clock.Elapsed.TotalSeconds:0.0}s."
                + (options.WorkspacePath != null ? $" Wrote {InventoryChecksumsWriter.FileName} and {InventoryReport.FileName} to '{options.WorkspacePath}'." : ""));
        }
    }
}
