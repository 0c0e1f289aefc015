using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.Workspace;

namespace S3Migration.Phases.Integrity
{
    /// <summary>
    /// The integrity check's findings about objects no checked copy accounts for: files the inventory planned that were
    /// never copied, objects in the destination type folders that no copy put there, and objects in the old person
    /// folders that were never part of a copy.
    /// </summary>
    internal sealed class UnaccountedObjects
    {
        private readonly IntegrityOptions _o;
        /// <summary>Every copy of the migration: the ones checked, and the journal's others.</summary>
        private readonly IReadOnlyList<ExpectedCopy> _all;
        private readonly HashSet<S3Location> _sources;

        public UnaccountedObjects(IntegrityOptions options, IReadOnlyList<ExpectedCopy> all)
        {
            _o = options; _all = all;
            _sources = new HashSet<S3Location>(all.Select(e => e.Source()));
        }

        /// <summary>What the inventory planned and no copy records: Missing, or Excluded when the operator left it out.</summary>
        /// <param name="targetBucket">the destination bucket of the first copy checked; null when none was (then the source's)</param>
        public IEnumerable<IntegrityResult> PlannedNeverCopied(string? targetBucket)
        {
            if (_o.Planned == null) yield break;
            foreach (var p in IntegrityListing.InOrder(_o.Planned.Where(p => !_sources.Contains(p.Key))))
            {
                var (bucket, key) = p.Key;
                // Left out by a filter before Copy-PersonFiles, as the copy recorded: the operator's choice, not a loss.
                ExcludedFile? excluded = null;
                var byChoice = _o.Excluded != null && _o.Excluded.TryGetValue(p.Key, out excluded);
                yield return new IntegrityResult
                {
                    Status = byChoice ? IntegrityStatus.Excluded : IntegrityStatus.Missing, SourceBucket = bucket, SourceKey = key, FileType = p.Value.FileType,
                    RowId = p.Value.RowId, PersonName = p.Value.PersonName, TargetKey = p.Value.TargetKey,
                    TargetBucket = targetBucket ?? bucket,
                    Reason = byChoice
                        ? $"left out of the copy by choice: it never reached Copy-PersonFiles (a filter before it; {ExcludedByChoice.FileName}, {excluded!.ExcludedAt:u}); pipe it to Copy-PersonFiles to migrate it"
                        : "planned by the inventory but never copied",
                };
            }
        }

        /// <summary>
        /// Anything in a destination type folder that no copy of this migration put there: the application's upload when
        /// its key is the one the naming rule gives a known person (information), else an alarm.
        /// </summary>
        public IEnumerable<IntegrityResult> InDestinationFolders(IReadOnlyDictionary<S3Location, SourceObject> destinations)
        {
            var targets = new HashSet<S3Location>(_all.Select(e => e.Target()));
            var persons = KnownPersons();
            foreach (var d in IntegrityListing.InOrder(destinations.Where(d => !targets.Contains(d.Key))))
            {
                var (bucket, key) = d.Key;
                var problem = NewUploadRule.Problem(key, _o.Types, persons, out var rowId, out var name);
                yield return new IntegrityResult
                {
                    Status = problem == null ? IntegrityStatus.NewUpload : IntegrityStatus.Unexpected, TargetBucket = bucket, TargetKey = key,
                    DestinationSize = d.Value.Size, DestinationETag = d.Value.ETag, FileType = TypeFolderOf(key),
                    RowId = rowId, PersonName = name,
                    Reason = problem == null
                        ? $"a new upload for {rowId} {name} whose key follows the naming rule (last modified {d.Value.LastModified:u}); information, not an alarm"
                        : $"in a destination type folder, but no copy of this migration put it there, and its key does not follow the naming rule: {problem}",
                };
            }
        }

        /// <summary>
        /// Other objects in the old person folders. Written after the migration began: new uploads, which should now go to
        /// the new layout. Older: files that were there all along but were not migrated (left out of the copy).
        /// </summary>
        public IEnumerable<IntegrityResult> InPersonFolders(IReadOnlyDictionary<S3Location, SourceObject> sources)
        {
            var started = _all.Where(e => e.Timestamp != default).Select(e => e.Timestamp).DefaultIfEmpty(DateTime.MaxValue).Min();
            foreach (var s in IntegrityListing.InOrder(sources.Where(s => !_sources.Contains(s.Key) && (_o.Inventoried == null || !_o.Inventoried.Contains(s.Key))
                                                                      && !s.Key.Key.EndsWith('/'))))
            {
                var (bucket, key) = s.Key;
                // Not in an inventory taken before the copy: new. Without one, go by time, at S3's one-second resolution.
                var before = _o.Inventoried == null && s.Value.LastModified.HasValue && started != DateTime.MaxValue
                             && s.Value.LastModified.Value.ToUniversalTime() < started.ToUniversalTime().AddTicks(-(started.Ticks % TimeSpan.TicksPerSecond));
                yield return new IntegrityResult
                {
                    Status = before ? IntegrityStatus.Missing : IntegrityStatus.Unexpected,
                    SourceBucket = bucket, SourceKey = key, SourceSize = s.Value.Size, SourceETag = ETag.Clean(s.Value.ETag), FileType = _o.Types.Classify(key),
                    Reason = before
                        ? $"in an old person folder since before the migration (last modified {s.Value.LastModified:u}), but never copied"
                          + " (if a filter left it out on purpose, give Get-MigrationInventory the copy's -WorkspacePath: then Copy-PersonFiles records the choice)"
                        : $"new upload in an old person folder (last modified {s.Value.LastModified:u}); uploads should go to the new layout",
                };
            }
        }

        /// <summary>
        /// The people whose new uploads are expected, by normalized row id, with every name the naming rule may have been
        /// given: the person folders of the migration (copies and plan) and the names of the people CSV.
        /// </summary>
        private Dictionary<string, ISet<string>> KnownPersons()
        {
            var persons = new Dictionary<string, ISet<string>>(StringComparer.Ordinal);
            void Add(string rowId, string name)
            {
                if (rowId.Length == 0 || name.Length == 0) return;
                var id = PersonPattern.NormalizeRowId(rowId);
                if (!persons.TryGetValue(id, out var names)) persons[id] = names = new HashSet<string>(StringComparer.Ordinal);
                names.Add(name);
            }
            foreach (var e in _all) Add(e.RowId, e.PersonName);
            if (_o.Planned != null) foreach (var p in _o.Planned.Values) Add(p.RowId, p.PersonName);
            foreach (var rows in new[] { _o.CsvRows, _o.People })
                if (rows != null) foreach (var r in rows.Values) Add(r.RowId, r.Name);
            return persons;
        }

        /// <summary>The folder a key sits in: "audio" for "migrated/audio/1_a_x.mp3".</summary>
        private static string TypeFolderOf(string key)
        {
            var segments = key.Split('/');
            return segments.Length >= 2 ? segments[segments.Length - 2] : "";
        }
    }
}
