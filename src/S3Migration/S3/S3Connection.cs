using System;
using System.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>How to reach S3, named as AWS.Tools names it: -Region, -ProfileName, -EndpointUrl, -Credential.</summary>
    public sealed class S3ConnectionOptions
    {
        public string? Region { get; set; }
        public string? ProfileName { get; set; }
        public string? EndpointUrl { get; set; }
        /// <summary>AWS credentials of any AWSSDK.Core (see <see cref="CredentialObject"/>); null for -ProfileName or the default chain.</summary>
        public object? Credential { get; set; }
    }

    public static class S3ClientFactory
    {
        /// <summary>
        /// A client for the options. Credentials come from -Credential, else -ProfileName, else the SDK's
        /// default chain (environment, shared files, SSO, instance roles). Custom endpoints get path-style
        /// addressing and checksums only when required, because S3-compatible servers often reject aws-chunked bodies.
        /// </summary>
        /// <param name="sdkRetries">false for callers that retry (and count retries) themselves, such as the copy</param>
        public static IAmazonS3 Create(S3ConnectionOptions options, bool sdkRetries = true)
        {
            var config = new AmazonS3Config();
            if (!sdkRetries) config.MaxErrorRetry = 0;
            var endpoint = Endpoint(options);
            if (!string.IsNullOrWhiteSpace(endpoint))
            {
                if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                    throw new MigrationException("InvalidEndpointUrl", MigrationErrorKind.InvalidArgument,
                        $"{EndpointSource(options)} '{Redact.Url(endpoint!)}' is not an absolute http or https URL, such as http://127.0.0.1:9000.");
                config.ServiceURL = uri.GetLeftPart(UriPartial.Path);
                config.ForcePathStyle = true;
                config.AuthenticationRegion = string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region;
                config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
                config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            }
            else if (!string.IsNullOrWhiteSpace(options.Region))
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
            }

            var credentials = CredentialObject.ToCredentials(options.Credential) ?? ProfileCredentials(options.ProfileName);
            // Without credentials of its own the client asks the SDK's default chain, which then says by type when it finds none.
            if (credentials == null) config.IdentityResolverConfiguration = new DefaultCredentialChain(config.IdentityResolverConfiguration);
            try
            {
                return credentials != null ? new AmazonS3Client(credentials, config) : new AmazonS3Client(config);
            }
            // The SDK refuses a client that has neither a region (-Region, AWS_REGION, the profile's) nor a service URL.
            catch (AmazonClientException ex) when (string.IsNullOrEmpty(config.ServiceURL) && config.RegionEndpoint == null)
            {
                throw new MigrationException("NoRegion", MigrationErrorKind.InvalidArgument,
                    "No AWS region is set. Pass -Region (for example -Region eu-west-1), set AWS_REGION, or give -EndpointUrl for an S3-compatible server.", ex);
            }
        }

        private static AWSCredentials? ProfileCredentials(string? profileName)
        {
            if (string.IsNullOrWhiteSpace(profileName)) return null;
            if (new CredentialProfileStoreChain().TryGetAWSCredentials(profileName, out var credentials)) return credentials;
            throw new MigrationException("ProfileNotFound", MigrationErrorKind.Authentication,
                $"No AWS profile named '{profileName}' in the shared credentials/config files or the SDK store. Check -ProfileName, or create it with 'aws configure --profile {profileName}'.");
        }

        /// <summary>
        /// The S3-compatible endpoint: -EndpointUrl, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL (the SDK's and the AWS
        /// CLI's order; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns the variables off). The SDK would read the variables
        /// itself, but with virtual-hosted addressing (media.localhost fails to resolve) and messages that name only the
        /// region; taken here they get what -EndpointUrl gets: path-style addressing and the endpoint in every message.
        /// </summary>
        public static string? Endpoint(S3ConnectionOptions options)
        {
            if (!string.IsNullOrWhiteSpace(options.EndpointUrl)) return options.EndpointUrl;
            if (string.Equals(Environment.GetEnvironmentVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase)) return null;
            foreach (var name in EndpointVariables)
                if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value)) return value.Trim();
            return null;
        }

        private static readonly string[] EndpointVariables = { "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL" };

        /// <summary>Where the endpoint came from, for the message that refuses it.</summary>
        private static string EndpointSource(S3ConnectionOptions options) =>
            !string.IsNullOrWhiteSpace(options.EndpointUrl) ? "-EndpointUrl"
            : EndpointVariables.First(n => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(n)));

        /// <summary>Where requests go, for messages (never with user info or query).</summary>
        public static string Describe(S3ConnectionOptions options) =>
            Endpoint(options) is { } endpoint ? Redact.Url(endpoint)
            : !string.IsNullOrWhiteSpace(options.Region) ? $"S3 in {options.Region}" : "S3 (region from the environment)";
    }
}
