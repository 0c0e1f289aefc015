using System.Collections.Generic;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.Workspace;

namespace S3Migration.Phases.Integrity
{
    public sealed class IntegrityOptions
    {
        /// <summary>Hash both sides' content where ETags cannot prove equality (multipart or SSE-KMS copies).</summary>
        public bool Deep { get; set; }
        /// <summary>
        /// HEAD every migrated destination and apply the whole rule (headers, user metadata, tag count), as the cleanup
        /// must before it deletes a source; true by default. False (Test-MigrationIntegrity without -Verify Head or -Deep):
        /// decide from the type folders' listing (size and the ETag the copy verified) and HEAD only the copies a listing
        /// cannot prove: no recorded destination ETag, or written after the copy was journaled (LastModified), which is
        /// how headers rewritten in place show in a listing.
        /// </summary>
        public bool HeadEveryCopy { get; set; } = true;
        /// <summary>After cleanup the sources are gone on purpose: do not check them.</summary>
        public bool SkipSourceCheck { get; set; }
        /// <summary>
        /// Read each destination's tags (one GetObjectTagging each) and compare them with the ones the copy set, not only
        /// their number: -Deep does, and so does the cleanup before it deletes a source.
        /// </summary>
        public bool ReadTags { get; set; }
        /// <summary>
        /// List the old person folders even with <see cref="SkipSourceCheck"/>, to report new uploads into the old layout
        /// after the cleanup (the 30-day watch). The source removal, which asks only about its candidates' destinations, does not.
        /// </summary>
        public bool WatchOldLayout { get; set; }
        public int ThrottleLimit { get; set; } = 16;
        /// <summary>Retries of a request after throttling, server errors or dropped connections (Test-MigrationIntegrity -MaxRetries).</summary>
        public int MaxRetries { get; set; } = 5;
        /// <summary>People CSV rows by normalized row id: every person in it must have all their files.</summary>
        public IReadOnlyDictionary<string, PersonRow>? CsvRows { get; set; }
        /// <summary>What the inventory planned, by source; each must have a verified destination.</summary>
        public IReadOnlyDictionary<S3Location, PlannedObject>? Planned { get; set; }
        /// <summary>Every source the inventory saw, to tell uploads made after it.</summary>
        public ISet<S3Location>? Inventoried { get; set; }
        /// <summary>Planned files the operator left out of the copy (excluded_by_choice.csv), by source: Excluded, not Missing.</summary>
        public IReadOnlyDictionary<S3Location, ExcludedFile>? Excluded { get; set; }
        /// <summary>
        /// The people CSV's rows (the one the workspace serves), by normalized row id: a new upload for one of them that
        /// follows the naming rule is information, also for a person added after the migration.
        /// </summary>
        public IReadOnlyDictionary<string, PersonRow>? People { get; set; }
        public FileTypeMap Types { get; set; } = FileTypeMap.Default;
    }
}
