using System;
using System.Collections.Generic;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>What Compress-MigrationWorkspace made: the archive, its checksum and where it was uploaded.</summary>
    public sealed class ArchiveResult
    {
        public const string Verified = "Verified";
        public const string Failed = "Failed";
        /// <summary>Written locally, not uploaded (no -UploadBucket).</summary>
        public const string Archived = "Archived";

        public string Path { get; set; } = "";
        public string Sha256 { get; set; } = "";
        public long Size { get; set; }
        public int FileCount { get; set; }
        /// <summary>Of FileCount, the CSV backups from outside the workspace (under csv_backups/ in the zip).</summary>
        public int CsvBackups { get; set; }
        public long ContentBytes { get; set; }
        public DateTime WrittenAt { get; set; }
        public string UploadedTo { get; set; } = "";
        public string StorageClass { get; set; } = "";
        /// <summary>The uploaded object's ETag, as the HEAD after the upload showed it.</summary>
        public string ETag { get; set; } = "";
        public DateTime? UploadedAt { get; set; }
        public string Status { get; set; } = "";
        public string Notes { get; set; } = "";
        /// <summary>The workspace file that records where this archive was written and uploaded (archive_record.json).</summary>
        public string RecordPath { get; set; } = "";

        public override string ToString() => $"{Path} ({Plural.Of(FileCount, "file")}, {Plural.Of(Size, "byte")}, sha256 {Sha256}) {Status}";
    }

    /// <summary>One entry of an archive checked against SHA256SUMS.</summary>
    public sealed class ArchiveEntryCheck
    {
        public string Archive { get; set; } = "";
        public string Path { get; set; } = "";
        public string Expected { get; set; } = "";
        public string Actual { get; set; } = "";
        /// <summary>Verified, Mismatch, Missing (listed, not in the zip) or Unlisted (in the zip, not listed).</summary>
        public string Status { get; set; } = "";
    }

    /// <summary>What Test-MigrationArchive found.</summary>
    public sealed class ArchiveVerification
    {
        public string Path { get; set; } = "";
        public string Sha256 { get; set; } = "";
        public string ExpectedSha256 { get; set; } = "";
        public int FileCount { get; set; }
        public int FilesVerified { get; set; }
        public int FilesFailed { get; set; }
        /// <summary>Verified or Failed.</summary>
        public string Status { get; set; } = "";
        public string Notes { get; set; } = "";
        public List<ArchiveEntryCheck> Entries { get; } = new List<ArchiveEntryCheck>();

        public override string ToString() => $"{Path}: {Status} ({FilesVerified} of {Plural.Of(FileCount, "file")} verified)";
    }
}
