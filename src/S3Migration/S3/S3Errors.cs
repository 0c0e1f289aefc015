using System;
using System.Net.Http;
using System.Net.Sockets;
using Amazon.S3;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>Turns SDK and network failures on a bucket into errors that name the bucket and what to check.</summary>
    public static class S3Errors
    {
        public static MigrationException ForBucket(Exception ex, string bucket, string where)
        {
            if (ex is MigrationException m) return m;
            if (ex is AggregateException agg && agg.InnerExceptions.Count == 1) return ForBucket(agg.InnerException!, bucket, where);
            switch (ex)
            {
                case AmazonS3Exception s3 when s3.ErrorCode == "NoSuchBucket" || (s3.StatusCode == System.Net.HttpStatusCode.NotFound && string.IsNullOrEmpty(s3.ErrorCode)):
                    return new MigrationException("BucketNotFound", MigrationErrorKind.NotFound,
                        $"Bucket '{bucket}' does not exist at {where}. Check the bucket name, -Region and -EndpointUrl.", ex, bucket);
                // S3 answers these with 403 too: they must come before AccessDenied.
                case AmazonS3Exception s3 when s3.ErrorCode == "InvalidAccessKeyId" || s3.ErrorCode == "SignatureDoesNotMatch" || s3.ErrorCode == "ExpiredToken" || s3.ErrorCode == "InvalidToken":
                    return new MigrationException("InvalidCredentials", MigrationErrorKind.Authentication,
                        $"S3 at {where} rejected the credentials ({s3.ErrorCode}). Check -ProfileName, -Credential or the AWS_* environment variables.", ex, bucket);
                case AmazonS3Exception s3 when s3.ErrorCode == "AccessDenied" || s3.ErrorCode == "AllAccessDisabled" || s3.StatusCode == System.Net.HttpStatusCode.Forbidden:
                    return new MigrationException("AccessDenied", MigrationErrorKind.PermissionDenied,
                        $"Access to bucket '{bucket}' at {where} was denied ({s3.ErrorCode}). The credentials need s3:ListBucket and s3:GetObject on it.", ex, bucket);
                case AmazonS3Exception s3 when s3.ErrorCode == "PermanentRedirect" || s3.ErrorCode == "AuthorizationHeaderMalformed":
                    return new MigrationException("WrongRegion", MigrationErrorKind.InvalidArgument,
                        $"Bucket '{bucket}' is in another region than the one used ({s3.ErrorCode}). Pass its region with -Region.", ex, bucket);
                case AmazonS3Exception s3:
                    return new MigrationException("S3Error", MigrationErrorKind.ResourceUnavailable,
                        $"S3 at {where} answered {(int)s3.StatusCode} {s3.ErrorCode} for bucket '{bucket}': {s3.Message}", ex, bucket);
            }
            if (IsMissingCredentials(ex))
                return new MigrationException("NoCredentials", MigrationErrorKind.Authentication,
                    "No AWS credentials were found. Pass -ProfileName or -Credential, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE).", ex, bucket);
            if (IsConnectionFailure(ex))
                return new MigrationException("EndpointUnreachable", MigrationErrorKind.Connection,
                    $"Could not reach {where}: {Sentence(Innermost(ex).Message)}{HttpHint(ex, where)} Check -EndpointUrl, -Region and the network.", ex, bucket);
            return new MigrationException("S3Error", MigrationErrorKind.ResourceUnavailable,
                $"Listing bucket '{bucket}' at {where} failed: {ex.Message}", ex, bucket);
        }

        /// <summary>The SDK's default chain found no credentials (<see cref="DefaultCredentialChain"/> says so by type).</summary>
        private static bool IsMissingCredentials(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
                if (e is CredentialsNotFoundException) return true;
            return false;
        }

        public static bool IsConnectionFailure(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
                if (e is HttpRequestException || e is SocketException || e is System.IO.IOException || e is TimeoutException
                    || e is System.Threading.Tasks.TaskCanceledException && !((System.Threading.Tasks.TaskCanceledException)e).CancellationToken.IsCancellationRequested)
                    return true;
            return false;
        }

        /// <summary>
        /// An https endpoint whose TLS handshake failed is most often a plain-http server (moto, MinIO in a lab) on that
        /// port: say so, with the URL to try.
        /// </summary>
        private static string HttpHint(Exception ex, string where)
        {
            if (!where.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || !IsTlsFailure(ex)) return "";
            return $" The TLS handshake failed: is this an http endpoint? Then use -EndpointUrl {"http://" + where.Substring("https://".Length).TrimEnd('/')}.";
        }

        private static bool IsTlsFailure(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
                if (e is System.Security.Authentication.AuthenticationException
                    || e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError })
                    return true;
            return false;
        }

        /// <summary>A message as a sentence of its own: trimmed, ending in a full stop.</summary>
        private static string Sentence(string message)
        {
            var m = message.Trim();
            return m.Length == 0 || m.EndsWith(".") || m.EndsWith("!") || m.EndsWith("?") ? m : m + ".";
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }
    }
}
