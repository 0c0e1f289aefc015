using System;
using Amazon.S3;

namespace S3Migration.S3
{
    /// <summary>
    /// An S3 client as the cmdlets hold it. The cmdlet assembly lives in PowerShell's default load context and must not
    /// name an AWSSDK type (another AWSSDK.Core, from AWS.Tools, may be there), so it holds this engine type and hands
    /// it to the phases, which take the client out of it.
    /// </summary>
    public sealed class S3Session : IDisposable
    {
        internal S3Session(IAmazonS3 client) => Client = client;

        internal IAmazonS3 Client { get; }

        /// <summary>A client for the connection (MigrationException when the options do not make one).</summary>
        /// <param name="sdkRetries">false for phases that retry (and count retries) themselves</param>
        public static S3Session Open(S3ConnectionOptions options, bool sdkRetries = true) => new(S3ClientFactory.Create(options, sdkRetries));

        /// <summary>An error the AWS SDK raised (an AmazonClientException, service errors included).</summary>
        public static bool IsSdkFailure(Exception ex) => ex is Amazon.Runtime.AmazonClientException;

        public void Dispose() => Client.Dispose();
    }
}
