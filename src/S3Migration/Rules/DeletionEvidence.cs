using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;

namespace S3Migration.Rules
{
    /// <summary>Where a source a deletion was announced for stands in a listing of its folder.</summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum ListedAs { Present, Gone, HiddenByDeleteMarker }

    /// <summary>
    /// What a listing says about one source: its status, whether its bytes are reclaimed, the notes that replace
    /// (<see cref="Notes"/>, null keeps them) or extend (<see cref="MoreNotes"/>) the ones it had.
    /// </summary>
    public sealed record ListingVerdict(RemovalStatus Status, bool Reclaimed, string? Notes, IReadOnlyList<string> MoreNotes);

    /// <summary>
    /// What a listing proves about a deletion, decided in one place: S3 accepting a delete is not proof that the bytes
    /// are gone, so only what a listing afterwards no longer shows counts; and the deletions a killed run announced
    /// (deletion_log.csv's intent rows) are settled by what a listing shows when the next run starts.
    /// </summary>
    public static class DeletionEvidence
    {
        private static readonly IReadOnlyList<string> NoNotes = Array.Empty<string>();
        private const string Stopped = "a run that stopped before it logged the outcome of its DeleteObjects request";

        /// <summary>Unversioned bucket, after a delete S3 accepted: gone is deleted with its bytes reclaimed; still listed failed.</summary>
        public static ListingVerdict AfterDelete(bool stillListed) => stillListed
            ? new ListingVerdict(RemovalStatus.Failed, false, "still listed after the delete (rewritten since the check?)", NoNotes)
            : new ListingVerdict(RemovalStatus.Deleted, true, null, NoNotes);

        /// <summary>
        /// Versioned bucket, after a delete S3 accepted, from the versions listed for the key. With
        /// <paramref name="permanently"/> (the checked version id was deleted): that version gone is deleted, still there
        /// failed. Otherwise (a delete marker was asked for): a current version that is not a delete marker failed; the
        /// checked version kept as noncurrent is a delete marker; the checked version gone (a suspended bucket's "null"
        /// version) is deleted.
        /// </summary>
        public static ListingVerdict AfterDelete(IReadOnlyCollection<ListedVersion> versions, string checkedVersionId, bool permanently)
        {
            var latest = Latest(versions);
            var checkedStillThere = versions.Any(v => v.VersionId == checkedVersionId && !v.IsDeleteMarker);
            var others = versions.Count(v => !v.IsDeleteMarker && v.VersionId != checkedVersionId);
            if (permanently)
            {
                if (checkedStillThere) return Failed($"the listing after the delete still shows version {checkedVersionId}");
                var notes = new List<string>();
                if (latest is { IsDeleteMarker: false }) notes.Add("a version written after the check is the current version and was not deleted");
                if (others > 0) notes.Add($"{others} other versions of the key left in place (not deleted)");
                return new ListingVerdict(RemovalStatus.Deleted, true, null, notes);
            }
            if (latest is { IsDeleteMarker: false }) return Failed("the listing after the delete shows a current version, not a delete marker");
            if (checkedStillThere)
                return new ListingVerdict(RemovalStatus.DeleteMarker, false, null, others > 0 ? new[] { $"{others} other noncurrent versions of the key remain too" } : NoNotes);
            // The checked version is gone: on a suspended bucket the delete marker replaces the "null" version.
            return new ListingVerdict(RemovalStatus.Deleted, true,
                $"the verified version {(checkedVersionId.Length > 0 ? checkedVersionId : "null")} is gone; a delete marker is the latest version", NoNotes);
        }

        /// <summary>
        /// Versioned bucket: where a source announced for deletion stands among the versions of its key. Gone when no
        /// version is left, or the checked one is; hidden when a delete marker is the latest; else still there.
        /// </summary>
        public static ListedAs AmongVersions(IReadOnlyCollection<ListedVersion> versions, string checkedVersionId)
        {
            var latest = Latest(versions);
            var checkedGone = checkedVersionId.Length > 0 && !versions.Any(v => v.VersionId == checkedVersionId && !v.IsDeleteMarker);
            if (latest == null || checkedGone) return ListedAs.Gone;
            return latest.IsDeleteMarker ? ListedAs.HiddenByDeleteMarker : ListedAs.Present;
        }

        /// <summary>
        /// The outcome of an intent an interrupted run left, from where the source stands now: gone is deleted (or, on a
        /// versioned bucket, hidden behind a delete marker) by that run; still there was not deleted and is checked again.
        /// </summary>
        public static ListingVerdict OfIntent(ListedAs state, bool versioned, string checkedVersionId) => state switch
        {
            ListedAs.Gone => new ListingVerdict(RemovalStatus.Deleted, true,
                $"deleted by {Stopped}; a listing when this run started no longer shows {(versioned && checkedVersionId.Length > 0 ? "the checked version" : "it")}", NoNotes),
            ListedAs.HiddenByDeleteMarker => new ListingVerdict(RemovalStatus.DeleteMarker, false,
                $"hidden behind a delete marker by {Stopped}; the verified version {checkedVersionId} remains as a noncurrent version", NoNotes),
            _ => new ListingVerdict(RemovalStatus.Kept, false,
                $"not deleted: {Stopped} meant to delete it, but a listing when this run started still shows it; it is checked again", NoNotes),
        };

        private static ListingVerdict Failed(string why) => new ListingVerdict(RemovalStatus.Failed, false, why, NoNotes);

        private static ListedVersion? Latest(IEnumerable<ListedVersion> versions) => versions.FirstOrDefault(v => v.IsLatest);
    }
}
