using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace S3Migration.Workspace
{
    /// <summary>deletion_summary.json: the totals of a Remove-MigrationSource run, written at its end (never with -WhatIf).</summary>
    public sealed class RemovalSummary
    {
        public const string FileName = "deletion_summary.json";
        public int ObjectsDeleted { get; set; }
        public int DeleteMarkers { get; set; }
        public int ObjectsKept { get; set; }
        public int ObjectsFailed { get; set; }
        public long BytesReclaimed { get; set; }
        public SortedDictionary<string, long> BytesByType { get; } = new SortedDictionary<string, long>(StringComparer.Ordinal);
        /// <summary>Every delete S3 accepted was confirmed by listing afterwards.</summary>
        public bool ListingVerified { get; set; }
        /// <summary>A source bucket has (or had) versioning.</summary>
        public bool Versioned { get; set; }
        public DateTime Started { get; set; }
        public DateTime Finished { get; set; }

        public static string PathIn(string workspace) => Path.Combine(workspace, FileName);

        public void Write(string workspace) => AtomicFile.Write(PathIn(workspace), stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteNumber("objects_deleted", ObjectsDeleted);
            w.WriteNumber("delete_markers", DeleteMarkers);
            w.WriteNumber("objects_kept", ObjectsKept);
            w.WriteNumber("objects_failed", ObjectsFailed);
            w.WriteNumber("bytes_reclaimed", BytesReclaimed);
            w.WriteStartObject("bytes_by_type");
            foreach (var t in BytesByType) w.WriteNumber(t.Key, t.Value);
            w.WriteEndObject();
            w.WriteBoolean("listing_verified", ListingVerified);
            w.WriteBoolean("versioned", Versioned);
            w.WriteString("started", Started.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
            w.WriteString("finished", Finished.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        });
    }
}
