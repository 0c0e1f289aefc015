using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3Migration.Model;
using S3Migration.PeopleCsv;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Backup-OutputCsv: the plan's phase-1 CSV backup. Copies the CSV to backups/output_YYYYMMDD_HHMMSS_pre_migration.csv
    /// beside it, with an .md5 and a .gz, checks all three, and with -Bucket uploads them and checks the upload. With
    /// -WorkspacePath it records the CSV as the people CSV the migration serves (migration_state.json), which the
    /// cleanup and the restore check.
    /// </summary>
    [Cmdlet(VerbsData.Backup, "OutputCsv", HelpUri = HelpLinks.PeopleCsv, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(CsvBackupInfo))]
    public sealed class BackupOutputCsvCommand : S3CmdletBase
    {
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("CsvPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>Where the backup goes; the backups folder beside the CSV by default (outputs/backups/).</summary>
        [Parameter] [ValidateNotNullOrEmpty] public string? BackupFolder { get; set; }

        /// <summary>With -Bucket, the three files are uploaded under -Prefix and each upload is checked.</summary>
        [Parameter] [ValidateNotNullOrEmpty] [ValidateBucketName] [ArgumentCompleter(typeof(BucketNameCompleter))] public string? Bucket { get; set; }
        [Parameter] public string Prefix { get; set; } = "backups/";

        /// <summary>The migration's workspace: the CSV is recorded there as the one the migration serves.</summary>
        [Parameter] [ValidateNotNullOrEmpty] [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string? WorkspacePath { get; set; }

        protected override void EndProcessing()
        {
            var csv = ResolvePath(Path);
            var folder = ResolvePathOrNull(BackupFolder) ?? CsvBackupNames.DefaultFolder(csv);
            var workspace = ResolvePathOrNull(WorkspacePath);
            try
            {
                // A workspace that serves another CSV refuses this one before anything is written, -WhatIf or not.
                if (workspace != null && MigrationState.Load(workspace).CsvPath != null) MigrationState.RecordCsv(workspace, csv);
                var bytes = CsvText.ReadLocked(csv);
                var target = System.IO.Path.Combine(folder, CsvBackupNames.PreMigrationName(csv, DateTime.UtcNow));
                var where = Bucket != null ? $" and upload it to s3://{Bucket}/{TargetKeyBuilder.NormalizePrefix(Prefix)}" : "";
                if (!ShouldProcess(csv, $"Back up to '{target}' with .md5 and .gz{where}")) return;
                if (workspace != null) MigrationState.RecordCsv(workspace, csv);
                var info = CsvBackup.Write(csv, bytes, target, gzip: true);
                WriteVerbose($"Backed up '{csv}' to '{info.Path}' (md5 {info.Md5}, {info.Size} bytes) with '{info.Md5Path}' and '{info.GzipPath}'.");
                if (Bucket != null)
                {
                    using var s3 = Connect();
                    info.Uploaded = RunAsync(ct => BackupUploader.UploadAsync(s3, Bucket, TargetKeyBuilder.NormalizePrefix(Prefix), new[] { info.Path, info.Md5Path, info.GzipPath! }, ct)).ToArray();
                    WriteVerbose($"Uploaded and checked {string.Join(", ", info.Uploaded)}.");
                }
                WriteObject(info);
            }
            catch (MigrationException ex) { Terminate(ex); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Terminate(new MigrationException("BackupWriteFailed", MigrationErrorKind.WriteError, $"Writing the backup into '{folder}' failed: {ex.Message}", ex, folder));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException) && Bucket != null && (S3Session.IsSdkFailure(ex) || S3Errors.IsConnectionFailure(ex)))
            {
                Terminate(BucketError(ex, Bucket));
            }
        }
    }
}
