using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using S3Migration.Model;

namespace S3Migration.Rules
{
    /// <summary>A person row of the people CSV.</summary>
    public sealed class PersonRow
    {
        public PersonRow(string rowId, string name, int line) { RowId = rowId; Name = name; Line = line; }
        public string RowId { get; }
        public string Name { get; }
        /// <summary>The CSV line the row starts on (header is line 1).</summary>
        public int Line { get; }
    }

    public sealed class PlanSettings
    {
        public string SourceBucket { get; set; } = "";
        public string SourcePrefix { get; set; } = "";
        public string TargetBucket { get; set; } = "";
        public TargetKeyBuilder Targets { get; set; } = new TargetKeyBuilder(FileTypeMap.Default, "");
        public PersonPattern Persons { get; set; } = new PersonPattern();
        /// <summary>People CSV rows by normalized row id, or null when no CSV was given.</summary>
        public IReadOnlyDictionary<string, PersonRow>? CsvRows { get; set; }
        public DestinationIndex Existing { get; set; } = new DestinationIndex();
        /// <summary>
        /// What Copy-PersonFiles verified, from the workspace journal: source path (s3://bucket/key) to the
        /// destination path, size and ETag it verified. It proves a copy whose ETag differs from its source's
        /// (SSE-KMS, or another part layout) is the migrated file and not a conflict.
        /// </summary>
        public IReadOnlyDictionary<string, (string NewPath, long Size, string ETag, string SourceETag)>? Verified { get; set; }
        /// <summary>False when the bucket encrypts with SSE-KMS by default: then no ETag is an MD5.</summary>
        public bool EtagsAreMd5 { get; set; } = true;
    }

    /// <summary>
    /// Decides, for every listed object, whether and where it moves. Pure: it reads a listing and writes items.
    ///
    /// It streams: items leave as soon as nothing later in the listing can change them. Two sources can only
    /// land on one target key when they share a row id, because a sanitized name starts with the row id's digits
    /// and an '_'. So items are held per row id until every folder of that row id (known from a delimiter listing
    /// of the person folders) has been listed; memory is one person's files, not the bucket.
    /// </summary>
    public sealed class MigrationPlanner
    {
        private readonly PlanSettings _s;
        private readonly string _sourcePrefix;
        private readonly string[] _destinationFolders;

        public MigrationPlanner(PlanSettings settings)
        {
            _s = settings;
            _sourcePrefix = TargetKeyBuilder.NormalizePrefix(settings.SourcePrefix);
            _destinationFolders = settings.Targets.Types.Folders.Select(f => settings.Targets.DestinationPrefix + f + "/").ToArray();
        }

        /// <param name="objects">the listing under the source prefix, in S3's key order</param>
        /// <param name="personFolders">the first path segments under the source prefix (the listing's common prefixes, without '/')</param>
        public IEnumerable<MigrationItem> Plan(IEnumerable<SourceObject> objects, IEnumerable<string> personFolders)
        {
            var run = new PlanRun(this, personFolders);
            foreach (var obj in objects)
                foreach (var item in run.Add(obj)) yield return item;
            foreach (var item in run.End()) yield return item;
        }

        /// <summary>The same plan over a listing that arrives asynchronously (S3Lister.ListObjectsAsync).</summary>
        public async IAsyncEnumerable<MigrationItem> PlanAsync(IAsyncEnumerable<SourceObject> objects, IEnumerable<string> personFolders,
            [System.Runtime.CompilerServices.EnumeratorCancellation] System.Threading.CancellationToken ct = default)
        {
            var run = new PlanRun(this, personFolders);
            await foreach (var obj in objects.WithCancellation(ct).ConfigureAwait(false))
                foreach (var item in run.Add(obj)) yield return item;
            foreach (var item in run.End()) yield return item;
        }

        /// <summary>One pass of the plan over one listing: what is held per row id, and which folders are still to come.</summary>
        private sealed class PlanRun
        {
            private readonly MigrationPlanner _p;
            private readonly HashSet<string> _known;
            private readonly Dictionary<string, int> _foldersLeft = new Dictionary<string, int>(StringComparer.Ordinal);
            private readonly Dictionary<string, List<MigrationItem>> _held = new Dictionary<string, List<MigrationItem>>(StringComparer.Ordinal);
            private string? _currentFolder;

            public PlanRun(MigrationPlanner planner, IEnumerable<string> personFolders)
            {
                _p = planner;
                _known = new HashSet<string>(personFolders, StringComparer.Ordinal);
                foreach (var folder in _known)
                    if (_p._s.Persons.TryParse(folder, out var rid, out _, out _))
                    {
                        var id = PersonPattern.NormalizeRowId(rid);
                        _foldersLeft[id] = _foldersLeft.TryGetValue(id, out var n) ? n + 1 : 1;
                    }
            }

            // A folder is finished when the listing's run of its keys ends, whatever those keys were (files, a
            // marker, orphans). A row id's items leave when its last known folder is finished. A folder that the
            // delimiter listing did not know (created during the inventory) cannot hold back what came before it;
            // a collision with it is still never an overwrite: Copy-PersonFiles refuses any key another source holds.
            private IEnumerable<MigrationItem> FinishFolder(string? folder)
            {
                if (folder == null || !_p._s.Persons.TryParse(folder, out var rid, out _, out _)) yield break;
                var id = PersonPattern.NormalizeRowId(rid);
                if (_known.Contains(folder))
                {
                    var left = _foldersLeft.TryGetValue(id, out var n) ? n - 1 : 0;
                    if (left > 0) { _foldersLeft[id] = left; yield break; }
                    _foldersLeft.Remove(id);
                }
                else if (_foldersLeft.ContainsKey(id)) yield break;
                if (!_held.TryGetValue(id, out var group)) yield break;
                _held.Remove(id);
                foreach (var item in ResolveCollisions(group)) yield return item;
            }

            /// <summary>The items that may leave once this object is listed.</summary>
            public IEnumerable<MigrationItem> Add(SourceObject obj)
            {
                var item = _p.Classify(obj, out var folder);
                if (folder != _currentFolder)
                {
                    foreach (var done in FinishFolder(_currentFolder)) yield return done;
                    _currentFolder = folder;
                }
                // Only items with a target can collide; orphans and objects already in the layout leave at once.
                if (item.RowId.Length == 0 || item.TargetKey.Length == 0)
                {
                    yield return item;
                    yield break;
                }
                var id = PersonPattern.NormalizeRowId(item.RowId);
                if (!_held.TryGetValue(id, out var list)) _held[id] = list = new List<MigrationItem>();
                list.Add(item);
            }

            /// <summary>What is still held when the listing ends.</summary>
            public IEnumerable<MigrationItem> End()
            {
                foreach (var done in FinishFolder(_currentFolder)) yield return done;
                _currentFolder = null;
                foreach (var group in _held.Values.ToList())
                    foreach (var item in ResolveCollisions(group)) yield return item;
                _held.Clear();
            }
        }

        /// <summary>Two or more sources that would land on one key are all conflicts; none is planned to overwrite another.</summary>
        private static IEnumerable<MigrationItem> ResolveCollisions(List<MigrationItem> group)
        {
            if (group.Count > 1)
                foreach (var same in group.Where(i => i.TargetKey.Length > 0 && i.Status != MigrationItemStatus.Orphan)
                                          .GroupBy(i => i.TargetKey, StringComparer.Ordinal).Where(g => g.Count() > 1))
                {
                    var sources = string.Join(", ", same.Select(i => $"'{i.SourceKey}'"));
                    foreach (var item in same)
                    {
                        item.Status = MigrationItemStatus.Conflict;
                        item.ConflictKind = ConflictKind.SharedTarget;
                        item.AddNote($"sources {sources} would all land on '{item.TargetKey}'");
                    }
                }
            return group;
        }

        /// <summary>Everything that can be decided about one object on its own.</summary>
        public MigrationItem Classify(SourceObject obj, out string? folder)
        {
            folder = null;
            var etag = ETag.Clean(obj.ETag);
            var item = new MigrationItem
            {
                SourceBucket = _s.SourceBucket, SourceKey = obj.Key, Size = obj.Size, LastModified = obj.LastModified,
                ETag = etag, StorageClass = obj.StorageClass ?? "", IsMultipart = ETag.IsMultipart(etag),
                TargetBucket = _s.TargetBucket,
            };
            if (_s.EtagsAreMd5 && ETag.LooksLikeMd5(etag)) { item.Md5 = etag; item.Md5Source = Md5Source.ETag; }

            if (string.Equals(_s.SourceBucket, _s.TargetBucket, StringComparison.Ordinal)
                && _destinationFolders.Any(f => obj.Key.StartsWith(f, StringComparison.Ordinal)))
            {
                item.Status = MigrationItemStatus.Skipped;
                item.Notes = "already in the destination layout";
                return item;
            }
            var rel = obj.Key.StartsWith(_sourcePrefix, StringComparison.Ordinal) ? obj.Key.Substring(_sourcePrefix.Length) : obj.Key;
            var slash = rel.IndexOf('/');
            if (slash >= 0) folder = rel.Substring(0, slash);
            item.PersonDirectory = folder ?? "";

            if (obj.Key.EndsWith("/", StringComparison.Ordinal))
                return Orphan(item, OrphanReason.FolderMarker, "folder marker (an object whose key ends in '/')");
            if (slash < 0)
                return Orphan(item, OrphanReason.RootFile, "file at the source root, outside any person folder");
            if (slash == 0)
                return Orphan(item, OrphanReason.EmptyFolderName, "key has an empty folder name ('//')");
            if (!_s.Persons.TryParse(folder!, out var rowId, out var name, out var why))
                return Orphan(item, OrphanReason.NotAPersonFolder, why);

            item.RowId = rowId;
            item.PersonName = name;
            var target = _s.Targets.Build(rowId, name, rel.Substring(slash + 1));
            item.FileType = target.FileType;
            if (_s.CsvRows != null && !_s.CsvRows.ContainsKey(PersonPattern.NormalizeRowId(rowId)))
                return Orphan(item, OrphanReason.NoCsvRow, $"person folder has no CSV row with row_id {rowId}");

            item.TargetKey = target.TargetKey;
            if (target.Truncated) item.AddNote($"name shortened with a hash to fit S3's {TargetKeyBuilder.MaxKeyBytes}-byte key limit");
            if (_s.Existing.TryGet(target.TargetKey, out var size, out var destEtag))
            {
                if (size == obj.Size && destEtag == etag && etag.Length > 0)
                {
                    item.Status = MigrationItemStatus.Skipped;
                    item.AddNote("already migrated: the destination holds the same size and ETag");
                }
                else if (_s.Verified != null && _s.Verified.TryGetValue($"s3://{_s.SourceBucket}/{obj.Key}", out var v)
                         && VerificationRule.StillAsJournaled(v.NewPath, v.Size, v.SourceETag, v.ETag, $"s3://{_s.TargetBucket}/{target.TargetKey}", obj.Size, etag, size, destEtag))
                {
                    item.Status = MigrationItemStatus.Skipped;
                    item.AddNote("already migrated: the journal verified this destination copy");
                }
                else
                {
                    item.Status = MigrationItemStatus.Conflict;
                    item.ConflictKind = ConflictKind.TargetDiffers;
                    item.AddNote(size != obj.Size
                        ? $"destination '{target.TargetKey}' already holds different content ({size} bytes, source '{obj.Key}' {obj.Size})"
                        : $"destination '{target.TargetKey}' already exists with ETag {destEtag}, source '{obj.Key}' {etag}; equal content is not proven");
                }
                return item;
            }
            item.Status = MigrationItemStatus.Planned;
            if (item.IsArchived) item.AddNote($"storage class {item.StorageClass}: restore the object before copying");
            return item;
        }

        /// <summary>An orphan: the reason for code (the final report labels by it), the note for people.</summary>
        private static MigrationItem Orphan(MigrationItem item, OrphanReason reason, string why)
        {
            item.Status = MigrationItemStatus.Orphan;
            item.OrphanReason = reason;
            item.AddNote(why);
            return item;
        }
    }
}
