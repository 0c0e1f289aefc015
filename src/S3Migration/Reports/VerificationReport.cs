using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using CsvHelper;
using S3Migration.Model;
using S3Migration.Workspace;

namespace S3Migration.Reports
{
    /// <summary>
    /// verification_report.csv (one row per file: both paths, hashes, sizes, content-type match, status) and
    /// verification_combined.txt, one line per file in the spirit of rclone check --combined:
    /// "= " verified, "- " missing at the destination, "+ " only at the destination or new in an old folder,
    /// "* " different (mismatch, or the source changed), "! " could not be checked; and two lines that are no alarm:
    /// "~ " left out of the copy by choice, "> " a new upload that follows the naming rule.
    /// </summary>
    public static class VerificationReport
    {
        public const string CsvName = "verification_report.csv";
        public const string CombinedName = "verification_combined.txt";
        public static readonly string[] Columns =
        {
            "status", "old_s3_path", "new_s3_path", "file_type", "row_id", "person_name", "source_md5", "source_etag", "destination_etag",
            "source_size", "destination_size", "expected_content_type", "content_type", "content_type_match", "checked_by", "reason",
        };

        /// <summary>The migration's own reports: verification_report.csv and verification_combined.txt in the workspace.</summary>
        public static void Write(string folder, IEnumerable<IntegrityResult> results) =>
            WriteTo(Path.Combine(folder, CsvName), Path.Combine(folder, CombinedName), results);

        /// <summary>
        /// Writes the report (CSV) and, when <paramref name="combinedPath"/> is given, its combined text file, each whole or
        /// not at all. Test-MigrationIntegrity -ReportPath (the watch's dated reports) writes the CSV alone.
        /// </summary>
        public static void WriteTo(string csvPath, string? combinedPath, IEnumerable<IntegrityResult> results)
        {
            var list = new List<IntegrityResult>(results);
            AtomicFile.Write(csvPath, stream =>
            {
                using var text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
                foreach (var c in Columns) csv.WriteField(c);
                csv.NextRecord();
                foreach (var r in list)
                {
                    foreach (var f in new[]
                    {
                        r.Status.ToString(), S3(r.SourceBucket, r.SourceKey), S3(r.TargetBucket, r.TargetKey), r.FileType, r.RowId, r.PersonName,
                        r.Md5, r.SourceETag, r.DestinationETag, r.SourceSize?.ToString(CultureInfo.InvariantCulture) ?? "",
                        r.DestinationSize?.ToString(CultureInfo.InvariantCulture) ?? "", r.ExpectedContentType, r.ContentType,
                        r.ContentTypeMatch.HasValue ? (r.ContentTypeMatch.Value ? "true" : "false") : "", r.CheckedBy, r.Reason,
                    }) csv.WriteField(f);
                    csv.NextRecord();
                }
            });
            if (combinedPath == null) return;
            AtomicFile.Write(combinedPath, stream =>
            {
                using var text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
                foreach (var r in list) text.WriteLine(Combined(r));
            });
        }

        public static string Combined(IntegrityResult r) => r.Status switch
        {
            IntegrityStatus.Verified => "= " + S3(r.TargetBucket, r.TargetKey),
            IntegrityStatus.Missing => "- " + S3(r.SourceBucket, r.SourceKey),
            IntegrityStatus.Unexpected => "+ " + (r.TargetKey.Length > 0 ? S3(r.TargetBucket, r.TargetKey) : S3(r.SourceBucket, r.SourceKey)),
            IntegrityStatus.Mismatch when r.CouldNotCheck => "! " + S3(r.TargetBucket, r.TargetKey),
            IntegrityStatus.SourceChanged => "* " + S3(r.SourceBucket, r.SourceKey),
            IntegrityStatus.Excluded => "~ " + S3(r.SourceBucket, r.SourceKey),
            IntegrityStatus.NewUpload => "> " + S3(r.TargetBucket, r.TargetKey),
            _ => "* " + S3(r.TargetBucket, r.TargetKey),
        };

        private static string S3(string bucket, string key) => bucket.Length == 0 && key.Length == 0 ? "" : new S3Location(bucket, key).ToString();
    }
}
