using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using S3Migration.Model;

namespace S3Migration.S3
{
    /// <summary>
    /// What already exists in each destination folder, listed once per folder the first time an item targets it
    /// (one request per 1,000 objects instead of a HEAD per item). It protects against overwriting on servers that
    /// ignore If-None-Match, and lets a re-run skip verified copies without a request. Copies made during the run
    /// are recorded, so two items of one run can never both land on one key.
    /// </summary>
    public sealed class DestinationCatalog
    {
        private readonly S3Lister _lister;
        /// <summary>
        /// Per target (bucket and key), the source that claimed it, both as <see cref="KeyDigest"/>s: one entry per copy of
        /// the run, so 44 bytes each (a dictionary entry) instead of the two strings (issue 13: a million copies in flat memory).
        /// </summary>
        private readonly Dictionary<Digest, Digest> _claims = new Dictionary<Digest, Digest>();
        /// <summary>Per folder (the bucket and the key prefix up to the last '/'), its listing, made once.</summary>
        private readonly ConcurrentDictionary<S3Location, Lazy<Task<DestinationIndex>>> _folders = new ConcurrentDictionary<S3Location, Lazy<Task<DestinationIndex>>>();

        public DestinationCatalog(S3Lister lister) => _lister = lister;

        public async Task<(long Size, string ETag)?> LookupAsync(string bucket, string key, CancellationToken ct)
        {
            var index = await Folder(bucket, key, ct).ConfigureAwait(false);
            lock (index) return index.TryGet(key, out var size, out var etag) ? (size, etag) : ((long, string)?)null;
        }

        /// <summary>
        /// Reserves a key for one source for the rest of the run; false when another source already holds it,
        /// so two items of one run never both land on one key.
        /// </summary>
        public bool Claim(string bucket, string key, string source)
        {
            var target = KeyDigest.Of(bucket, key);
            var by = KeyDigest.Of(source);
            lock (_claims)
            {
                if (_claims.TryGetValue(target, out var holder)) return holder == by;
                _claims.Add(target, by);
                return true;
            }
        }

        public async Task RecordAsync(string bucket, string key, long size, string etag, CancellationToken ct)
        {
            var index = await Folder(bucket, key, ct).ConfigureAwait(false);
            lock (index) index.Add(key, size, etag);
        }

        private async Task<DestinationIndex> Folder(string bucket, string key, CancellationToken ct)
        {
            var folder = key.Substring(0, key.LastIndexOf('/') + 1);
            var name = new S3Location(bucket, folder);
            var lazy = _folders.GetOrAdd(name, _ => new Lazy<Task<DestinationIndex>>(() => List(bucket, folder, ct)));
            try { return await lazy.Value.ConfigureAwait(false); }
            catch
            {
                // A failed listing is not kept: the next item of this folder lists it again.
                _folders.TryRemove(name, out _);
                throw;
            }
        }

        private async Task<DestinationIndex> List(string bucket, string folder, CancellationToken ct)
        {
            var index = new DestinationIndex();
            // A folder's listing includes its subfolders; only direct children can be target keys here.
            await foreach (var o in _lister.ListObjectsAsync(bucket, folder, ct).ConfigureAwait(false))
                if (o.Key.IndexOf('/', folder.Length) < 0) index.Add(o.Key, o.Size, o.ETag);
            return index;
        }
    }
}
