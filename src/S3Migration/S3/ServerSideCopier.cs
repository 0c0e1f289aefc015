using System;
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
    /// <summary>
    /// Server-side copies: no object body passes through this machine. CopyObject up to the multipart threshold;
    /// UploadPartCopy above it and for every multipart source, whose part layout is kept so the ETag comes out the
    /// same. The multipart path sets Content-Type, Cache-Control, Content-Disposition, Content-Encoding,
    /// Content-Language, user metadata and tags from the source explicitly, since S3 copies none of them there.
    /// </summary>
    public sealed class ServerSideCopier
    {
        private readonly IAmazonS3 _s3;
        private readonly CopySettings _settings;
        private readonly S3Calls _calls;

        public ServerSideCopier(IAmazonS3 s3, CopySettings settings, S3Calls calls) { _s3 = s3; _settings = settings; _calls = calls; }

        public bool UsesMultipart(ObjectFacts source) => ETag.IsMultipart(source.ETag) || source.Size > _settings.MultipartThreshold;

        /// <param name="tags">the tags the copy gets, or null to copy the source's tags unchanged</param>
        /// <param name="onlyIfAbsent">send If-None-Match: * so S3 refuses to overwrite an object that appeared meanwhile</param>
        /// <returns>the destination's ETag and encryption as the copy reported them</returns>
        public Task<CopyReceipt> CopyAsync(S3Location from, ObjectFacts source, S3Location to,
            IList<KeyValuePair<string, string>>? tags, bool onlyIfAbsent, RetryCount retries, CancellationToken ct) =>
            UsesMultipart(source)
                ? MultipartAsync(from.Bucket, from.Key, source, to.Bucket, to.Key, tags, onlyIfAbsent, retries, ct)
                : SingleAsync(from.Bucket, from.Key, source, to.Bucket, to.Key, tags, onlyIfAbsent, retries, ct);

        private async Task<CopyReceipt> SingleAsync(string sb, string sk, ObjectFacts src, string tb, string tk,
            IList<KeyValuePair<string, string>>? tags, bool onlyIfAbsent, RetryCount retries, CancellationToken ct)
        {
            var req = new CopyObjectRequest
            {
                SourceBucket = sb, SourceKey = sk, DestinationBucket = tb, DestinationKey = tk,
                ETagToMatch = Quote(src.ETag), MetadataDirective = S3MetadataDirective.COPY,
                StorageClass = S3StorageClass.FindValue(_settings.StorageClass ?? src.StorageClass),
            };
            if (tags != null) { req.TaggingDirective = TaggingDirective.REPLACE; req.TagSet = ToTags(tags); }
            else req.TaggingDirective = TaggingDirective.COPY;
            if (onlyIfAbsent) req.IfNoneMatch = "*";
            if (_settings.CannedAcl != null) req.CannedACL = S3CannedACL.FindValue(_settings.CannedAcl);
            var (method, kmsKey) = Encryption(src);
            if (method != null) { req.ServerSideEncryptionMethod = method; req.ServerSideEncryptionKeyManagementServiceKeyId = kmsKey; }
            var r = await _calls.Run(() => _s3.CopyObjectAsync(req, ct), retries, ct).ConfigureAwait(false);
            return new CopyReceipt(ETag.Clean(r.ETag), r.ServerSideEncryptionMethod?.Value ?? "", Multipart: false, S3Time(r.LastModified));
        }

        private async Task<CopyReceipt> MultipartAsync(string sb, string sk, ObjectFacts src, string tb, string tk,
            IList<KeyValuePair<string, string>>? tags, bool onlyIfAbsent, RetryCount retries, CancellationToken ct)
        {
            var ranges = await PartRangesAsync(sb, sk, src, retries, ct).ConfigureAwait(false);
            var init = new InitiateMultipartUploadRequest
            {
                BucketName = tb, Key = tk, ContentType = src.ContentType,
                StorageClass = S3StorageClass.FindValue(_settings.StorageClass ?? src.StorageClass),
            };
            if (src.CacheControl.Length > 0) init.Headers.CacheControl = src.CacheControl;
            if (src.ContentDisposition.Length > 0) init.Headers.ContentDisposition = src.ContentDisposition;
            if (src.ContentEncoding.Length > 0) init.Headers.ContentEncoding = src.ContentEncoding;
            if (src.ContentLanguage.Length > 0) init.Headers["Content-Language"] = src.ContentLanguage;
            foreach (var m in src.Metadata) init.Metadata.Add(m.Key, m.Value);
            if (tags != null && tags.Count > 0) init.TagSet = ToTags(tags);
            if (_settings.CannedAcl != null) init.CannedACL = S3CannedACL.FindValue(_settings.CannedAcl);
            var (method, kmsKey) = Encryption(src);
            if (method != null) { init.ServerSideEncryptionMethod = method; init.ServerSideEncryptionKeyManagementServiceKeyId = kmsKey; }

            // Announced on disk first: a kill from here on leaves an upload that the next run of the workspace aborts.
            var target = new S3Location(tb, tk);
            _settings.Uploads?.Announce(target);
            var upload = await _calls.Run(() => _s3.InitiateMultipartUploadAsync(init, ct), retries, ct).ConfigureAwait(false);
            _settings.Uploads?.Opened(target, upload.UploadId);
            try
            {
                var parts = new PartETag[ranges.Count];
                using var slots = new SemaphoreSlim(Math.Max(1, _settings.PartConcurrency));
                await Task.WhenAll(ranges.Select(async (range, i) =>
                {
                    await slots.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        var part = await _calls.Run(() => _s3.CopyPartAsync(new CopyPartRequest
                        {
                            SourceBucket = sb, SourceKey = sk, DestinationBucket = tb, DestinationKey = tk, UploadId = upload.UploadId,
                            PartNumber = i + 1, FirstByte = range.First, LastByte = range.Last, ETagToMatch = new List<string> { Quote(src.ETag) },
                        }, ct), retries, ct).ConfigureAwait(false);
                        parts[i] = new PartETag(i + 1, part.ETag);
                    }
                    finally { slots.Release(); }
                })).ConfigureAwait(false);

                var complete = new CompleteMultipartUploadRequest { BucketName = tb, Key = tk, UploadId = upload.UploadId, PartETags = parts.ToList() };
                if (onlyIfAbsent) complete.IfNoneMatch = "*";
                var done = await _calls.Run(() => _s3.CompleteMultipartUploadAsync(complete, ct), retries, ct).ConfigureAwait(false);
                _settings.Uploads?.Settled(target, upload.UploadId);
                return new CopyReceipt(ETag.Clean(done.ETag), done.ServerSideEncryptionMethod?.Value ?? "", Multipart: true);
            }
            catch
            {
                // An abandoned upload keeps its parts (and their cost) until aborted. Best effort, even when cancelled.
                try
                {
                    await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = tb, Key = tk, UploadId = upload.UploadId }).ConfigureAwait(false);
                    _settings.Uploads?.Settled(target, upload.UploadId);
                }
                catch (Exception) { /* the original failure is what matters; the log keeps it open for the next run to abort */ }
                throw;
            }
        }

        /// <summary>
        /// The source's own part layout when it is multipart (HEAD ?partNumber=N for each part), so the copy's ETag
        /// equals the source's; otherwise equal parts of PartSize, enlarged to stay within 10,000 parts.
        /// </summary>
        private async Task<List<(long First, long Last)>> PartRangesAsync(string bucket, string key, ObjectFacts src, RetryCount retries, CancellationToken ct)
        {
            var ranges = new List<(long, long)>();
            var count = ETag.PartCount(src.ETag);
            if (count > 0)
            {
                long offset = 0;
                for (var n = 1; n <= count; n++)
                {
                    var partNumber = n;
                    var size = await _calls.Run(() => ObjectHead.PartSizeAsync(_s3, bucket, key, partNumber, ct), retries, ct).ConfigureAwait(false);
                    ranges.Add((offset, offset + size - 1));
                    offset += size;
                }
                if (offset == src.Size) return ranges;
                ranges.Clear(); // the parts do not add up (the server answered whole-object sizes): fall back to even parts
            }
            var partSize = Math.Max(Math.Max(_settings.PartSize, S3Limits.MinPartSize), (src.Size + S3Limits.MaxParts - 1) / S3Limits.MaxParts);
            for (long first = 0; first < src.Size; first += partSize)
                ranges.Add((first, Math.Min(src.Size, first + partSize) - 1));
            if (ranges.Count == 0) ranges.Add((0, -1));
            return ranges;
        }

        /// <summary>The requested encryption, else the source's (S3 would otherwise apply the bucket default).</summary>
        private (ServerSideEncryptionMethod? Method, string? KmsKey) Encryption(ObjectFacts src)
        {
            var wanted = _settings.ServerSideEncryption ?? (src.Encryption.Length > 0 ? src.Encryption : null);
            if (wanted == null) return (null, null);
            var method = ServerSideEncryptionMethod.FindValue(wanted);
            var key = wanted.StartsWith("aws:kms", StringComparison.Ordinal)
                ? _settings.ServerSideEncryption != null ? _settings.KmsKeyId : NullIfEmpty(src.KmsKeyId)
                : null;
            return (method, key);
        }

        private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
        private static string Quote(string etag) => "\"" + ETag.Clean(etag) + "\"";
        private static List<Tag> ToTags(IEnumerable<KeyValuePair<string, string>> tags) => tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList();

        /// <summary>CopyObject's LastModified, which the SDK hands over as S3's ISO 8601 text; null when absent or unreadable.</summary>
        private static DateTime? S3Time(string? text) =>
            DateTime.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : (DateTime?)null;
    }
}
