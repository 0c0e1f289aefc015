using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
// S3Location is also an Amazon.S3.Model type: this one is the migration's address value.
using S3Location = S3Migration.Model.S3Location;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>An object's tags (GetObjectTagging), one request through the run's retries and request count.</summary>
    public static class ObjectTags
    {
        public static async Task<List<KeyValuePair<string, string>>> ReadAsync(IAmazonS3 s3, S3Calls calls, S3Location at, RetryCount retries, CancellationToken ct)
        {
            var t = await calls.Run(() => s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = at.Bucket, Key = at.Key }, ct), retries, ct).ConfigureAwait(false);
            return (t.Tagging ?? new List<Tag>()).Select(x => new KeyValuePair<string, string>(x.Key, x.Value)).ToList();
        }
    }
}
