using System;
using System.IO;
using System.Management.Automation;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// A bucket parameter takes the bucket's name. An s3:// URL is refused while binding, with the name to give instead,
    /// rather than reaching S3 as a bucket named "s3://media" and coming back as a puzzling 404 or signature error.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateBucketNameAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            if (arguments is not string value || !value.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)) return;
            var rest = value.Substring("s3://".Length);
            var slash = rest.IndexOf('/');
            var name = slash < 0 ? rest : rest.Substring(0, slash);
            var folder = slash < 0 ? "" : rest.Substring(slash + 1);
            throw new ValidationMetadataException(
                $"'{value}' is an S3 URL, not a bucket name. Give the bucket name without s3://, such as {(name.Length > 0 ? name : "media")}"
                + (folder.Length > 0 ? $", and the folder '{folder}' with -Prefix where the cmdlet has one." : "."));
        }
    }

    /// <summary>
    /// -WorkspacePath names a folder (created when it does not exist). A path that is a file is refused while binding,
    /// saying so, instead of failing later as a journal that cannot be opened or a workspace without a journal.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateWorkspaceFolderAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            if (arguments is not string value || value.Length == 0) return;
            string full;
            try { full = engineIntrinsics.SessionState.Path.GetUnresolvedProviderPathFromPSPath(value); }
            catch (Exception ex) when (ex is not PipelineStoppedException) { return; } // the cmdlet reports a path it cannot resolve
            if (!File.Exists(full)) return;
            throw new ValidationMetadataException(
                $"'{full}' is a file, not a folder. -WorkspacePath is the migration's workspace folder (created when it does not exist): "
                + $"give a folder, such as '{Path.Combine(Path.GetDirectoryName(full) ?? "", "migration")}'.");
        }
    }
}
