using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3Migration.Model;
using S3Migration.S3;

namespace S3Migration.Phases.Integrity
{
    /// <summary>
    /// The integrity check's listings: each destination type folder and each old person folder once (one request per
    /// 1,000 objects), instead of a request per object, indexed by address.
    /// </summary>
    internal sealed class IntegrityListing
    {
        private readonly S3Lister _lister;
        private readonly IntegrityOptions _o;

        public IntegrityListing(S3Lister lister, IntegrityOptions options) { _lister = lister; _o = options; }

        /// <summary>Every object in the destination type folders the copies used (and the map's other type folders beside them).</summary>
        public async Task<Dictionary<S3Location, SourceObject>> DestinationsAsync(IReadOnlyList<ExpectedCopy> expected, CancellationToken ct)
        {
            var folders = new HashSet<(string Bucket, string Folder)>();
            foreach (var e in expected.Where(e => e.TargetKey.Contains('/')))
            {
                var folder = e.TargetKey.Substring(0, e.TargetKey.LastIndexOf('/') + 1);
                var type = folder.TrimEnd('/');
                var prefix = type.Contains('/') ? type.Substring(0, type.LastIndexOf('/') + 1) : "";
                folders.Add((e.TargetBucket, folder));
                foreach (var t in _o.Types.Folders) folders.Add((e.TargetBucket, prefix + t + "/"));
            }
            return await ListAsync(folders, (folder, key) => key.IndexOf('/', folder.Length) < 0, ct).ConfigureAwait(false);
        }

        /// <summary>
        /// Every object in the old person folders of the copies, and of the files the inventory planned (a person whose
        /// every file was left out of the copy still has a folder to upload into); one listing per folder.
        /// </summary>
        public async Task<Dictionary<S3Location, SourceObject>> PersonFoldersAsync(IReadOnlyList<ExpectedCopy> expected, CancellationToken ct)
        {
            var folders = new HashSet<(string Bucket, string Folder)>();
            void Add(string bucket, string sourceKey, string rowId)
            {
                var start = rowId.Length > 0 ? sourceKey.IndexOf(rowId + "_", StringComparison.Ordinal) : -1;
                var end = sourceKey.IndexOf('/', Math.Max(0, start));
                if (start >= 0 && end > start && (start == 0 || sourceKey[start - 1] == '/')) folders.Add((bucket, sourceKey.Substring(0, end + 1)));
                else folders.Add((bucket, sourceKey.Substring(0, sourceKey.LastIndexOf('/') + 1)));
            }
            foreach (var e in expected) Add(e.SourceBucket, e.SourceKey, e.RowId);
            if (_o.Planned != null)
                foreach (var p in _o.Planned) Add(p.Key.Bucket, p.Key.Key, p.Value.RowId);
            return await ListAsync(folders, (_, _) => true, ct).ConfigureAwait(false);
        }

        /// <summary>
        /// Lists the folders side by side, up to ThrottleLimit at a time: a migration of small person folders has one
        /// listing per person, and one after the other they would cost a round trip each. The requests are the same.
        /// </summary>
        private async Task<Dictionary<S3Location, SourceObject>> ListAsync(HashSet<(string Bucket, string Folder)> folders, Func<string, string, bool> keep, CancellationToken ct)
        {
            var byFolder = folders.ToList();
            var found = new List<(string Bucket, SourceObject Object)>[byFolder.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, byFolder.Count), new ParallelOptions { MaxDegreeOfParallelism = _o.ThrottleLimit, CancellationToken = ct },
                async (i, token) =>
                {
                    var (bucket, folder) = byFolder[i];
                    var these = new List<(string, SourceObject)>();
                    await foreach (var o in _lister.ListObjectsAsync(bucket, folder, token).ConfigureAwait(false))
                        if (keep(folder, o.Key)) these.Add((bucket, o));
                    found[i] = these;
                }).ConfigureAwait(false);
            var index = new Dictionary<S3Location, SourceObject>();
            foreach (var these in found)
                foreach (var (bucket, o) in these) index[new S3Location(bucket, o.Key)] = o;
            return index;
        }

        /// <summary>Addresses in the order the reports list them: by bucket, then by key (ordinal, as S3 lists).</summary>
        public static IEnumerable<KeyValuePair<S3Location, T>> InOrder<T>(IEnumerable<KeyValuePair<S3Location, T>> items) =>
            items.OrderBy(p => p.Key.Bucket, StringComparer.Ordinal).ThenBy(p => p.Key.Key, StringComparer.Ordinal);
    }
}
