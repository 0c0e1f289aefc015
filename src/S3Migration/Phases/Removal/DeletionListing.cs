using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.S3;
using S3Migration.Workspace;

namespace S3Migration.Phases.Removal
{
    /// <summary>
    /// The listings that prove what a deletion did (what they prove is Rules/DeletionEvidence): after a run's deletes, and
    /// when a run starts, for the deletions an interrupted run announced in deletion_log.csv and never settled.
    /// </summary>
    internal sealed class DeletionListing
    {
        private readonly ObjectVersions _versions;
        private readonly S3Lister _lister;
        private readonly bool _permanently;

        public DeletionListing(ObjectVersions versions, S3Lister lister, bool permanentlyDeleteVersion)
        {
            _versions = versions; _lister = lister; _permanently = permanentlyDeleteVersion;
        }

        /// <summary>
        /// Lists each folder of the deleted keys again and settles each result: gone (or, versioned, the checked
        /// version gone) is Deleted with its bytes reclaimed; a delete marker over the kept version is DeleteMarker;
        /// still there is Failed. Returns the results the listing changed.
        /// </summary>
        public async Task<List<RemovalResult>> ConfirmAsync(string bucket, List<RemovalResult> items, bool versioned, CancellationToken ct)
        {
            var changed = new List<RemovalResult>();
            var keys = versioned ? null : await ListKeysAsync(bucket, items, ct).ConfigureAwait(false);
            var versions = versioned ? await ListVersionsAsync(bucket, items, ct).ConfigureAwait(false) : null;
            foreach (var r in items)
            {
                var before = r.Status;
                Apply(r, keys != null ? DeletionEvidence.AfterDelete(keys.Contains(r.SourceKey)) : DeletionEvidence.AfterDelete(Of(versions!, r.SourceKey), r.VersionId, _permanently));
                if (r.Status != before) changed.Add(r);
            }
            return changed;
        }

        /// <summary>
        /// Settles the intents of an interrupted run (deleting rows no outcome follows) against a listing: gone (or, on a
        /// versioned bucket, the checked version gone or hidden by a delete marker) is logged as deleted (delete_marker),
        /// and comes back to count in this run's results; still there was not deleted, is logged so, and is a candidate
        /// again. Adds the settling rows to <paramref name="rows"/>; writes them unless <paramref name="journal"/> is null (a dry run).
        /// </summary>
        public async Task<List<RemovalResult>> SettleIntentsAsync(RemovalRun run, List<DeletionRow> rows, DeletionJournal? journal, CancellationToken ct)
        {
            var results = new List<RemovalResult>();
            var unsettled = DeletionJournal.Unsettled(rows);
            if (unsettled.Count == 0) return results;
            var gone = 0;
            foreach (var bucket in unsettled.Select(u => u.ToIntendedResult()).GroupBy(r => r.SourceBucket, StringComparer.Ordinal))
            {
                var items = bucket.ToList();
                var versioned = (await _versions.VersioningAsync(bucket.Key, ct).ConfigureAwait(false)).Length > 0;
                run.Summary.Versioned |= versioned;
                var keys = versioned ? null : await ListKeysAsync(bucket.Key, items, ct).ConfigureAwait(false);
                var versions = versioned ? await ListVersionsAsync(bucket.Key, items, ct).ConfigureAwait(false) : null;
                var now = DateTime.UtcNow;
                foreach (var r in items)
                {
                    var state = keys != null ? (keys.Contains(r.SourceKey) ? ListedAs.Present : ListedAs.Gone) : DeletionEvidence.AmongVersions(Of(versions!, r.SourceKey), r.VersionId);
                    Apply(r, DeletionEvidence.OfIntent(state, versioned, r.VersionId));
                    if (r.Status != RemovalStatus.Kept) r.DeletedAt = now;
                    var row = DeletionRow.From(r);
                    rows.Add(row);
                    journal?.Append(row);
                    if (r.Status == RemovalStatus.Kept) continue;
                    gone++;
                    results.Add(r);
                }
            }
            journal?.Sync();
            run.Verbose.Add($"Settled {unsettled.Count} deletions an interrupted run had announced in {DeletionJournal.FileName}: {gone} gone by a listing now, " +
                            $"{unsettled.Count - gone} still there (not deleted; checked again)." + (journal == null ? " -WhatIf: not written to the log." : ""));
            return results;
        }

        private static void Apply(RemovalResult r, ListingVerdict v)
        {
            r.Status = v.Status;
            if (v.Notes != null) r.Notes = v.Notes;
            foreach (var note in v.MoreNotes) r.AddNote(note);
            r.BytesReclaimed = v.Reclaimed ? r.Size : 0;
        }

        private static IReadOnlyCollection<ListedVersion> Of(Dictionary<string, List<ListedVersion>> versions, string key) =>
            versions.TryGetValue(key, out var list) ? list : Array.Empty<ListedVersion>();

        private static List<string> Folders(List<RemovalResult> items) =>
            items.Select(r => r.SourceKey.Substring(0, r.SourceKey.LastIndexOf('/') + 1)).Distinct(StringComparer.Ordinal).ToList();

        /// <summary>The keys listed now in the items' folders (unversioned buckets).</summary>
        private async Task<HashSet<string>> ListKeysAsync(string bucket, List<RemovalResult> items, CancellationToken ct)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var f in Folders(items)) await foreach (var o in _lister.ListObjectsAsync(bucket, f, ct).ConfigureAwait(false)) keys.Add(o.Key);
            return keys;
        }

        /// <summary>Every version and delete marker listed now in the items' folders, by key (versioned buckets).</summary>
        private async Task<Dictionary<string, List<ListedVersion>>> ListVersionsAsync(string bucket, List<RemovalResult> items, CancellationToken ct)
        {
            var versions = new Dictionary<string, List<ListedVersion>>(StringComparer.Ordinal);
            foreach (var f in Folders(items))
                await foreach (var v in _versions.ListAsync(bucket, f, ct).ConfigureAwait(false))
                {
                    if (!versions.TryGetValue(v.Key, out var list)) versions[v.Key] = list = new List<ListedVersion>();
                    list.Add(v);
                }
            return versions;
        }
    }
}
