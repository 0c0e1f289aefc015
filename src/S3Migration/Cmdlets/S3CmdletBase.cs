using System;
using System.Management.Automation;
using System.Threading;
using Amazon.Runtime;
using S3Migration.Model;
using S3Migration.S3;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Connection parameters as AWS.Tools names them, cancellation for Ctrl+C, and the one mapping from
    /// MigrationException to ErrorRecord. -ProfileName and -Credential are alternatives, so they sit in two
    /// parameter sets: "Profile" (the default, which also covers the SDK's default credential chain) and "Credential".
    /// </summary>
    public abstract class S3CmdletBase : PSCmdlet
    {
        protected const string ProfileSet = "Profile";
        protected const string CredentialSet = "Credential";

        [Parameter]
        public string? Region { get; set; }

        [Parameter(ParameterSetName = ProfileSet)]
        [ValidateNotNullOrEmpty]
        public string? ProfileName { get; set; }

        [Parameter(ParameterSetName = CredentialSet, Mandatory = true)]
        public AWSCredentials? Credential { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EndpointUrl { get; set; }

        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        protected CancellationToken StopToken => _stop.Token;

        protected override void StopProcessing() => _stop.Cancel();

        protected S3ConnectionOptions Connection => new S3ConnectionOptions
        {
            Region = Region, ProfileName = ProfileName, EndpointUrl = EndpointUrl, Credential = Credential,
        };

        /// <summary>Stops the cmdlet with an error that says what to fix.</summary>
        protected void Terminate(MigrationException ex) => ThrowTerminatingError(ToErrorRecord(ex));

        protected static ErrorRecord ToErrorRecord(MigrationException ex) => ToErrorRecordFor(ex);

        /// <summary>The one mapping from MigrationException to ErrorRecord, for the cmdlets that need no connection too.</summary>
        internal static ErrorRecord ToErrorRecordFor(MigrationException ex) =>
            new ErrorRecord(ex, ex.ErrorId, Category(ex.Kind), ex.Target);

        private static ErrorCategory Category(MigrationErrorKind kind) => kind switch
        {
            MigrationErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            MigrationErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            MigrationErrorKind.Authentication => ErrorCategory.AuthenticationError,
            MigrationErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            MigrationErrorKind.Connection => ErrorCategory.ConnectionError,
            MigrationErrorKind.InvalidData => ErrorCategory.InvalidData,
            MigrationErrorKind.WriteError => ErrorCategory.WriteError,
            _ => ErrorCategory.ResourceUnavailable,
        };

        /// <summary>"12.3 MB" style sizes for progress and verbose lines.</summary>
        protected static string Bytes(double bytes)
        {
            string[] units = { "B", "KB", "MB", "GB", "TB" };
            var u = 0;
            while (bytes >= 1024 && u < units.Length - 1) { bytes /= 1024; u++; }
            return u == 0 ? $"{bytes:0} B" : $"{bytes:0.0} {units[u]}";
        }
    }
}
