using System;
using System.Management.Automation;
using Amazon.Runtime;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>
    /// -Credential as the module takes it: any object with the shape of AWS SDK credentials. The module's AWSSDK.Core
    /// lives in its own load context, so an AWSCredentials made in the session (New-AWSCredential of AWS.Tools, or
    /// [Amazon.Runtime.BasicAWSCredentials]::new() from another AWSSDK.Core) is a different type to it. Such an object is
    /// read the way the SDK reads it: GetCredentials() gives AccessKey, SecretKey and Token, copied into the module's
    /// own credentials. Its refresh (temporary credentials) is not carried over: they are read once, at connect time.
    /// A PSCredential (Get-Credential) is taken too: the access key ID as the user name, the secret key as the password.
    /// </summary>
    public static class CredentialObject
    {
        public static AWSCredentials? ToCredentials(object? value)
        {
            if (value is PSObject ps) value = ps.BaseObject;
            if (value == null) return null;
            if (value is AWSCredentials own) return own;
            // Get-Credential's answer: the access key as the user name, the secret key as the password.
            if (value is PSCredential pscred)
            {
                var secret = pscred.GetNetworkCredential().Password;
                if (string.IsNullOrEmpty(pscred.UserName) || string.IsNullOrEmpty(secret))
                    throw new MigrationException("CredentialNotRecognized", MigrationErrorKind.InvalidArgument,
                        "-Credential as a PSCredential takes the access key ID as the user name and the secret access key as the password; one of them is empty.");
                return new BasicAWSCredentials(pscred.UserName, secret);
            }
            var get = value.GetType().GetMethod("GetCredentials", Type.EmptyTypes);
            object? immutable;
            try { immutable = get?.Invoke(value, null); }
            catch (System.Reflection.TargetInvocationException ex)
            {
                throw new MigrationException("CredentialUnreadable", MigrationErrorKind.Authentication,
                    $"-Credential ({value.GetType().FullName}) could not give its keys: {ex.InnerException?.Message}", ex.InnerException ?? ex);
            }
            string? Read(string name) => immutable?.GetType().GetProperty(name)?.GetValue(immutable) as string;
            var accessKey = Read("AccessKey");
            var secretKey = Read("SecretKey");
            if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
                throw new MigrationException("CredentialNotRecognized", MigrationErrorKind.InvalidArgument,
                    $"-Credential takes AWS credentials (an object whose GetCredentials() gives AccessKey and SecretKey, such as AWS.Tools' New-AWSCredential or [Amazon.Runtime.BasicAWSCredentials]), or a PSCredential (access key ID as user name, secret key as password); a {value.GetType().FullName} is not one. Or use -ProfileName, or the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).");
            var token = Read("Token");
            return string.IsNullOrEmpty(token) ? new BasicAWSCredentials(accessKey, secretKey) : new SessionAWSCredentials(accessKey, secretKey, token);
        }
    }
}
