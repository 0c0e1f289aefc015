using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3Migration.Model;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Compress-MigrationWorkspace: plan phase 5, "archive migration logs". Zips the workspace (journals, reports,
    /// certificate, manifests) and the people CSV's backups kept beside the CSV, with a SHA256SUMS entry and a .sha256
    /// side file, and with -UploadBucket uploads the zip in a cold storage class and verifies it. Where the archive was
    /// written and uploaded goes into archive_record.json in the workspace. The rules live in WorkspaceArchive,
    /// ArchivedCsvBackups, ArchiveRecord and BackupUploader.
    /// </summary>
    [Cmdlet(VerbsData.Compress, "MigrationWorkspace", HelpUri = HelpLinks.Closing, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(ArchiveResult))]
    public sealed class CompressMigrationWorkspaceCommand : S3CmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string WorkspacePath { get; set; } = "";

        /// <summary>The zip to write; archive/migration_workspace_YYYYMMDD_HHMMSS.zip in the workspace by default.</summary>
        [Parameter] [ValidateNotNullOrEmpty] public string? DestinationPath { get; set; }

        [Parameter] [ValidateNotNullOrEmpty] [ValidateBucketName] [ArgumentCompleter(typeof(BucketNameCompleter))] public string? UploadBucket { get; set; }

        /// <summary>The object key; migration-archives/&lt;file name&gt; by default.</summary>
        [Parameter] [ValidateNotNullOrEmpty] public string? UploadKey { get; set; }

        [Parameter]
        [ValidateSet("GLACIER", "DEEP_ARCHIVE", "GLACIER_IR", "STANDARD_IA")]
        public string StorageClass { get; set; } = "GLACIER";

        /// <summary>More CSV backups (files, or folders whose files all count) than the ones the workspace names, such as a Backup-OutputCsv -BackupFolder.</summary>
        [Parameter] [ValidateNotNullOrEmpty] public string[]? CsvBackupPath { get; set; }

        public const string DefaultKeyPrefix = "migration-archives/";

        private bool _done;

        protected override void ProcessRecord()
        {
            // Piped results of one workspace make one archive.
            if (_done) return;
            _done = true;
            var workspace = ResolvePath(WorkspacePath);
            var destination = ResolvePathOrNull(DestinationPath) ?? WorkspaceArchive.DefaultPath(workspace, DateTime.UtcNow);
            var key = UploadKey ?? DefaultKeyPrefix + Path.GetFileName(destination);
            var upload = UploadBucket != null ? $" and upload it to s3://{UploadBucket}/{key} in {StorageClass}" : "";
            var extra = CsvBackupPath?.Select(ResolvePath).ToList();
            List<string> backups;
            try { backups = ArchivedCsvBackups.Find(workspace, extra); }
            catch (MigrationException ex) { Terminate(ex); return; }
            var withBackups = backups.Count > 0 ? $" with {backups.Count} CSV backups from outside the workspace" : "";
            if (!ShouldProcess(workspace, $"Archive into '{destination}'{withBackups} with '{WorkspaceArchive.SideFile(destination)}'{upload}, and record it in {ArchiveRecord.FileName}")) return;
            foreach (var b in backups) WriteVerbose($"CSV backup to archive: '{b}'.");
            ArchiveResult result;
            try
            {
                result = WorkspaceArchive.Create(workspace, destination, extra);
                ArchiveRecord.Write(workspace, result);
                WriteVerbose($"Archived {Plural.Of(result.FileCount, "file")} ({result.CsvBackups} of them CSV backups under {WorkspaceArchive.CsvBackupFolder}/, {Bytes(result.ContentBytes)}) of '{workspace}' into '{result.Path}' ({Bytes(result.Size)}, sha256 {result.Sha256}); recorded in '{result.RecordPath}'.");
            }
            catch (MigrationException ex) { Terminate(ex); return; }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Terminate(new MigrationException("ArchiveWriteFailed", MigrationErrorKind.WriteError, $"Writing the archive '{destination}' failed: {ex.Message}", ex, destination));
                return;
            }

            if (UploadBucket != null)
            {
                result.StorageClass = StorageClass;
                try
                {
                    using var s3 = Connect();
                    WriteVerbose($"Uploading '{result.Path}' to s3://{UploadBucket}/{key} in {StorageClass} at {Where}.");
                    var (head, note) = RunAsync(ct => BackupUploader.UploadFileAsync(s3, UploadBucket, key, result.Path, StorageClass, "application/zip", ct));
                    result.UploadedTo = $"s3://{UploadBucket}/{key}";
                    result.StorageClass = head.StorageClass;
                    result.ETag = head.ETag;
                    result.UploadedAt = DateTime.UtcNow;
                    result.Status = ArchiveResult.Verified;
                    result.Notes = note;
                    ArchiveRecord.Write(workspace, result);
                    if (!string.Equals(head.StorageClass, StorageClass, StringComparison.Ordinal))
                        WriteWarning($"s3://{UploadBucket}/{key} reports storage class {head.StorageClass}, not {StorageClass} (an S3-compatible server may ignore it).");
                    WriteVerbose($"Uploaded and verified {result.UploadedTo}: {note}.");
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException) && !(ex is OperationCanceledException))
                {
                    // The archive stays on disk whatever went wrong with the upload: it is the only copy.
                    var m = ex as MigrationException ?? BucketError(ex, UploadBucket);
                    result.Status = ArchiveResult.Failed;
                    result.Notes = $"upload to s3://{UploadBucket}/{key} failed; the local archive '{result.Path}' is kept: {m.Message}";
                    try { ArchiveRecord.Write(workspace, result); }
                    catch (Exception recordEx) when (recordEx is IOException || recordEx is UnauthorizedAccessException || recordEx is MigrationException)
                    {
                        WriteWarning($"The failed upload could not be recorded in {ArchiveRecord.FileName}: {recordEx.Message}");
                    }
                    WriteObject(result);
                    Terminate(new MigrationException(m.ErrorId, m.Kind, result.Notes, m, result.Path));
                    return;
                }
            }
            WriteObject(result);
        }
    }
}
