using System.Management.Automation;
using S3Migration.Model;
using S3Migration.S3;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Connection parameters as AWS.Tools names them, on top of <see cref="MigrationCmdletBase"/>. -ProfileName and
    /// -Credential are alternatives, so they sit in two parameter sets: "Profile" (the default, which also covers the
    /// SDK's default credential chain) and "Credential".
    /// </summary>
    public abstract class S3CmdletBase : MigrationCmdletBase
    {
        protected const string ProfileSet = "Profile";
        protected const string CredentialSet = "Credential";

        [Parameter]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? Region { get; set; }

        [Parameter(ParameterSetName = ProfileSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProfileNameCompleter))]
        public string? ProfileName { get; set; }

        [Parameter(ParameterSetName = CredentialSet, Mandatory = true)]
        /// <summary>
        /// AWS credentials of any AWSSDK.Core: the module's SDK is isolated in its own load context, so the session's
        /// AWSCredentials type (AWS.Tools') is not the module's; the engine reads it by shape (S3/CredentialObject.cs).
        /// </summary>
        public object? Credential { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EndpointUrl { get; set; }

        protected S3ConnectionOptions Connection => new S3ConnectionOptions
        {
            Region = Region, ProfileName = ProfileName, EndpointUrl = EndpointUrl, Credential = Credential,
        };

        /// <summary>Where requests go, for messages: the endpoint without user info or query, or the region.</summary>
        protected string Where => S3ClientFactory.Describe(Connection);

        /// <summary>A client for the connection parameters (MigrationException when they do not make one).</summary>
        /// <param name="sdkRetries">false for phases that retry (and count retries) themselves</param>
        protected S3Session Connect(bool sdkRetries = true) => S3Session.Open(Connection, sdkRetries);

        /// <summary>An SDK or network failure on <paramref name="bucket"/> as the error that names the bucket and what to check.</summary>
        protected MigrationException BucketError(System.Exception ex, string bucket) => S3Errors.ForBucket(ex, bucket, Where);
    }
}
