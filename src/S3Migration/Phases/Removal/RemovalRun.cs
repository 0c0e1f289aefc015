using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.Workspace;

namespace S3Migration.Phases.Removal
{
    /// <summary>The outcome of a run: one result per source decided, the totals, and what the operator should know.</summary>
    public sealed class RemovalRun
    {
        public List<RemovalResult> Results { get; } = new List<RemovalResult>();
        public RemovalSummary Summary { get; } = new RemovalSummary();
        public List<string> Warnings { get; } = new List<string>();
        public List<string> Verbose { get; } = new List<string>();

        /// <summary>The summary's totals, counted from the results (the one record of what was decided).</summary>
        internal void Tally()
        {
            var s = Summary;
            s.ObjectsDeleted = Results.Count(r => r.Status == RemovalStatus.Deleted);
            s.DeleteMarkers = Results.Count(r => r.Status == RemovalStatus.DeleteMarker);
            s.ObjectsKept = Results.Count(r => r.Status == RemovalStatus.Kept);
            s.ObjectsFailed = Results.Count(r => r.Status == RemovalStatus.Failed);
            foreach (var r in Results.Where(r => r.BytesReclaimed > 0))
            {
                var type = r.FileType.Length > 0 ? r.FileType : FileTypeMap.Unknown;
                s.BytesByType.TryGetValue(type, out var b);
                s.BytesByType[type] = b + r.BytesReclaimed;
                s.BytesReclaimed += r.BytesReclaimed;
            }
            s.Finished = DateTime.UtcNow;
        }
    }
}
