using System;
using System.Threading;
using Amazon.S3;
using S3Migration.Model;
using S3Migration.S3;

namespace S3Migration.Phases.Copy
{
    /// <summary>
    /// How a copy fails: typed where it happens (<see cref="MigrationResult.Reason"/>, and S3's error code for an
    /// S3Error), with a note that says what to do. The error ids, the reports and the lessons learned read the type; the
    /// note is for people. Each failure gets the reason the lessons learned gave its words before the journal had a
    /// reason column, so a report groups it as it did.
    /// </summary>
    public static class CopyFailure
    {
        public static void Fail(MigrationResult r, FailureReason reason, string why, string errorCode = "")
        {
            r.Status = MigrationResultStatus.Failed;
            r.Reason = reason;
            r.ErrorCode = errorCode;
            r.AddNote(why);
        }

        /// <summary>The one item did not end Verified for a reason other than a failure (a conflict): typed the same way.</summary>
        public static void Conflict(MigrationResult r, string why)
        {
            r.Status = MigrationResultStatus.Conflict;
            r.Reason = FailureReason.Conflict;
            r.AddNote(why);
        }

        /// <summary>S3 refused a request because an object is in an archive class or tier (GLACIER, DEEP_ARCHIVE) and must be restored first.</summary>
        public static bool IsArchiveError(AmazonS3Exception ex) => ex.ErrorCode == "InvalidObjectState" || ex.ErrorCode == "ObjectNotInActiveTierError";

        /// <summary>
        /// An item's failure from an exception that ended its copy. The failure of a whole bucket is not one item's:
        /// <see cref="IsWholeRunError"/> and NoSuchBucket are thrown on by the engine, never recorded here.
        /// </summary>
        public static void FromException(MigrationResult r, Exception ex, RetryCount retries)
        {
            switch (ex)
            {
                case AmazonS3Exception s3 when IsArchiveError(s3):
                    Fail(r, FailureReason.SourceArchived, $"the source is archived ({s3.ErrorCode}): restore it first (RestoreObject), then run the copy again");
                    break;
                case AmazonS3Exception s3 when s3.StatusCode == System.Net.HttpStatusCode.PreconditionFailed:
                    // Copies name the source ETag they expect: S3 refuses one whose source changed after its HEAD.
                    Fail(r, FailureReason.SourceChanged, "the source changed during the copy (its ETag no longer matches); run Get-MigrationInventory again");
                    break;
                case AmazonS3Exception s3:
                    Fail(r, FailureReason.S3Error, $"S3 answered {(int)s3.StatusCode} {s3.ErrorCode}: {s3.Message}", s3.ErrorCode);
                    break;
                case MigrationException m:
                    // Not one S3 answer to this item's request (a listing of its folder, a body shorter than listed): the message says what.
                    Fail(r, FailureReason.Other, m.Message);
                    break;
                default:
                    var gaveUp = RetryPolicy.IsTransient(ex, CancellationToken.None);
                    Fail(r, gaveUp ? FailureReason.GaveUp : FailureReason.Other,
                        gaveUp ? $"gave up after {RetriesText(retries.Count)}: {ex.GetBaseException().Message}" : ex.GetBaseException().Message);
                    break;
            }
        }

        /// <summary>Errors that concern the whole run (a bucket, the credentials, the endpoint), not one object.</summary>
        public static bool IsWholeRunError(string errorId) =>
            errorId is "BucketNotFound" or "AccessDenied" or "InvalidCredentials" or "NoCredentials" or "EndpointUnreachable" or "WrongRegion" or "ProfileNotFound" or "NoRegion";

        private static string RetriesText(int n) => n == 1 ? "1 retry" : $"{n} retries";
    }
}
