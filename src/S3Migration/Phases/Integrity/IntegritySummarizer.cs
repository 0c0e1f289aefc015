using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;
using S3Migration.Rules;

namespace S3Migration.Phases.Integrity
{
    /// <summary>Test-MigrationIntegrity -Summary: the counts, per type and per CSV person, of the check's findings.</summary>
    internal static class IntegritySummarizer
    {
        public static IntegritySummary Summarize(List<IntegrityResult> list, IReadOnlyDictionary<string, PersonRow>? csvRows)
        {
            var s = new IntegritySummary
            {
                Checked = list.Count, CheckedAt = DateTime.UtcNow,
                Verified = list.Count(r => r.Status == IntegrityStatus.Verified),
                Missing = list.Count(r => r.Status == IntegrityStatus.Missing),
                Mismatch = list.Count(r => r.Status == IntegrityStatus.Mismatch),
                SourceChanged = list.Count(r => r.Status == IntegrityStatus.SourceChanged),
                Unexpected = list.Count(r => r.Status == IntegrityStatus.Unexpected),
                Excluded = list.Count(r => r.Status == IntegrityStatus.Excluded),
                NewUploads = list.Count(r => r.Status == IntegrityStatus.NewUpload),
            };
            // Files left out by choice and the application's new uploads are information: they never make it false.
            s.AllVerified = s.Verified > 0 && !list.Any(r => r.Status.IsAlarm());
            foreach (var r in list.Where(r => r.Status == IntegrityStatus.NewUpload)) s.NewUploadKeys.Add(r.Target().ToString());
            foreach (var r in list.Where(r => r.Status != IntegrityStatus.Unexpected && r.Status != IntegrityStatus.NewUpload && r.Status != IntegrityStatus.Excluded))
            {
                var type = r.FileType.Length > 0 ? r.FileType : FileTypeMap.Unknown;
                if (!s.ByType.TryGetValue(type, out var t)) s.ByType[type] = t = new TypeVerification();
                t.Expected++;
                if (r.Status == IntegrityStatus.Verified) t.Verified++;
            }
            foreach (var r in list.Where(r => r.Status == IntegrityStatus.Missing)) s.MissingKeys.Add(r.Source().ToString());
            if (csvRows != null)
            {
                var byPerson = list.Where(r => r.RowId.Length > 0).GroupBy(r => PersonPattern.NormalizeRowId(r.RowId)).ToDictionary(g => g.Key, g => g.ToList());
                foreach (var row in csvRows.Values.OrderBy(r => r.Line))
                {
                    s.PersonsChecked++;
                    var id = PersonPattern.NormalizeRowId(row.RowId);
                    if (byPerson.TryGetValue(id, out var files) && files.Any(f => f.Status.IsAlarm()))
                        s.PersonsIncomplete.Add($"{row.RowId} {row.Name}: " + string.Join(", ", files.Where(f => f.Status.IsAlarm()).Select(f => $"{f.SourceKey} {f.Status}")));
                }
            }
            return s;
        }
    }
}
