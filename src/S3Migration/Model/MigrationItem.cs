using System;

namespace S3Migration.Model
{
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum MigrationItemStatus { Planned, Orphan, Conflict, Skipped }

    /// <summary>
    /// Why an item is a Conflict: its target already holds different content (Copy-PersonFiles -Force may replace
    /// it), or other sources would land on the same key (never copied: rename one of them).
    /// </summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum ConflictKind { None, TargetDiffers, SharedTarget }

    /// <summary>
    /// Why an item is an Orphan, decided where the planner decides it (MigrationPlanner.Classify): an object whose key ends
    /// in '/', a file at the source root, a key whose folder name is empty ('//'), a folder the person pattern does not
    /// match, or a person folder with no row in the people CSV. None for every item that is not an Orphan, and for the rows
    /// of an inventory_checksums.csv written before the reason was recorded. The Notes say the same in words, for people;
    /// code reads this, never the Notes.
    /// </summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum OrphanReason { None, FolderMarker, RootFile, EmptyFolderName, NotAPersonFolder, NoCsvRow }

    /// <summary>Where an item's MD5 came from: nowhere yet, its ETag, or hashing its content.</summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum Md5Source { None, ETag, Computed }

    /// <summary>One source object and what the migration will do with it (a planned copy, with what the listing saw). Written by Get-MigrationInventory.</summary>
    public sealed class MigrationItem : PlannedCopy
    {
        public string PersonDirectory { get; set; } = "";
        public long Size { get; set; }
        public DateTime? LastModified { get; set; }
        public string ETag { get; set; } = "";
        public string StorageClass { get; set; } = "";
        public bool IsMultipart { get; set; }
        public string Md5 { get; set; } = "";
        public Md5Source Md5Source { get; set; }
        public MigrationItemStatus Status { get; set; }
        public ConflictKind ConflictKind { get; set; }
        public OrphanReason OrphanReason { get; set; }
        public string Notes { get; set; } = "";

        /// <summary>True for storage classes whose objects must be restored before they can be read or copied.</summary>
        public bool IsArchived => StorageClasses.IsArchived(StorageClass);

        internal void AddNote(string note) => Notes = Notes.Length == 0 ? note : Notes + "; " + note;

        public override string ToString() => $"{Status} {SourceKey} -> {TargetKey}";
    }

    /// <summary>One object as a listing returns it.</summary>
    public sealed class SourceObject
    {
        public SourceObject(string key, long size, DateTime? lastModified, string etag, string storageClass)
        {
            Key = key; Size = size; LastModified = lastModified; ETag = etag; StorageClass = storageClass;
        }
        public string Key { get; }
        public long Size { get; }
        public DateTime? LastModified { get; }
        public string ETag { get; }
        public string StorageClass { get; }
    }

    public static class StorageClasses
    {
        /// <summary>GLACIER and DEEP_ARCHIVE objects answer InvalidObjectState until restored. GLACIER_IR is readable.</summary>
        public static bool IsArchived(string? storageClass) =>
            string.Equals(storageClass, "GLACIER", StringComparison.OrdinalIgnoreCase)
            || string.Equals(storageClass, "DEEP_ARCHIVE", StringComparison.OrdinalIgnoreCase);
    }
}
