using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// multipart_uploads.csv in the workspace: every multipart upload a copy (Copy-PersonFiles, Backup-MigrationSource)
    /// starts, announced on disk before InitiateMultipartUpload is sent, then its upload id, then that it was completed or
    /// aborted. A process killed in the middle of a multipart copy runs no abort: its upload stays open on S3, invisible in
    /// listings, its parts billed, until someone aborts it. The next Copy-PersonFiles, Backup-MigrationSource or
    /// Undo-Migration of the workspace aborts every upload this log left open (<see cref="AbortLeftOpenAsync"/>).
    /// Each line is appended and flushed to disk on its own (a file opened per line), so two commands of one workspace
    /// never lose each other's lines.
    /// </summary>
    public sealed class MultipartUploadLog
    {
        public const string FileName = "multipart_uploads.csv";
        private const string Header = "bucket,key,upload_id,status,at";
        /// <summary>Announced: InitiateMultipartUpload is about to be sent; no upload id yet.</summary>
        public const string StartingStatus = "starting";
        /// <summary>S3 answered the upload id.</summary>
        public const string OpenStatus = "open";
        /// <summary>Completed or aborted: nothing left open.</summary>
        public const string ClosedStatus = "closed";
        /// <summary>How far before its announcement an open upload of the same key still counts as this one (clock skew).</summary>
        private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

        private readonly string _path;
        private readonly object _gate = new object();
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        public MultipartUploadLog(string workspace) => _path = Path.Combine(workspace, FileName);

        public void Announce(string bucket, string key) => Append(bucket, key, "", StartingStatus);
        public void Opened(string bucket, string key, string uploadId) => Append(bucket, key, uploadId, OpenStatus);
        public void Settled(string bucket, string key, string uploadId) => Append(bucket, key, uploadId, ClosedStatus);

        private void Append(string bucket, string key, string uploadId, string status)
        {
            var line = string.Join(",", new[] { bucket, key, uploadId, status, DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture) }.Select(Quote)) + "\n";
            lock (_gate)
            {
                using var s = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
                if (s.Length == 0) { var h = Utf8.GetBytes(Header + "\n"); s.Write(h, 0, h.Length); }
                else if (EndsWithoutNewline(s)) s.WriteByte((byte)'\n'); // a line torn by a kill
                s.Seek(0, SeekOrigin.End);
                var bytes = Utf8.GetBytes(line);
                s.Write(bytes, 0, bytes.Length);
                s.Flush(true);
            }
        }

        private static bool EndsWithoutNewline(FileStream s)
        {
            s.Seek(-1, SeekOrigin.End);
            return s.ReadByte() != '\n';
        }

        private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";

        private sealed class Row
        {
            public string Bucket = "", Key = "", UploadId = "", Status = "";
            public DateTime At;
        }

        private static List<Row> Read(string path)
        {
            var rows = new List<Row>();
            if (!File.Exists(path)) return rows;
            string text;
            using (var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var r = new StreamReader(s, Utf8)) text = r.ReadToEnd();
            if (text.Length > 0 && text[text.Length - 1] != '\n') text = text.Substring(0, text.LastIndexOf('\n') + 1); // torn last line
            using var reader = new StringReader(text);
            using var csv = new CsvHelper.CsvReader(reader, new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, MissingFieldFound = null });
            if (!csv.Read() || !csv.ReadHeader()) return rows;
            while (csv.Read())
            {
                var status = csv.GetField("status") ?? "";
                if (status != StartingStatus && status != OpenStatus && status != ClosedStatus) continue;
                rows.Add(new Row
                {
                    Bucket = csv.GetField("bucket") ?? "", Key = csv.GetField("key") ?? "", UploadId = csv.GetField("upload_id") ?? "", Status = status,
                    At = DateTime.TryParse(csv.GetField("at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t.ToUniversalTime() : DateTime.MinValue,
                });
            }
            return rows;
        }

        /// <summary>
        /// Aborts every upload the log left open: an upload id announced and never closed, and for an announcement whose
        /// upload id never reached the log (the kill came in between), each upload of that very key that S3 lists as
        /// started since the announcement. Each one settled is logged closed. Returns "s3://bucket/key (upload id)" of each
        /// upload aborted. With <paramref name="dryRun"/> nothing is aborted or written: it says what would be.
        /// </summary>
        public static async Task<List<string>> AbortLeftOpenAsync(IAmazonS3 s3, string workspace, bool dryRun, CancellationToken ct)
        {
            var aborted = new List<string>();
            var path = Path.Combine(workspace, FileName);
            var rows = Read(path);
            if (rows.Count == 0) return aborted;
            var closed = new HashSet<string>(rows.Where(r => r.Status == ClosedStatus && r.UploadId.Length > 0).Select(r => r.UploadId), StringComparer.Ordinal);
            // The open ones: ids never closed, and per key the last announcement not followed by its id.
            var open = rows.Where(r => r.Status == OpenStatus && !closed.Contains(r.UploadId)).GroupBy(r => r.UploadId).Select(g => g.First()).ToList();
            var announced = new List<Row>();
            foreach (var g in rows.GroupBy(r => new Model.S3Location(r.Bucket, r.Key)))
            {
                var last = g.Last();
                if (last.Status == StartingStatus) announced.Add(last);
            }
            var log = dryRun ? null : new MultipartUploadLog(workspace);
            foreach (var r in open)
                if (await AbortAsync(s3, r.Bucket, r.Key, r.UploadId, dryRun, log, ct).ConfigureAwait(false)) aborted.Add($"{new Model.S3Location(r.Bucket, r.Key)} ({r.UploadId})");
            foreach (var a in announced)
            {
                var listed = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = a.Bucket, Prefix = a.Key }, ct).ConfigureAwait(false);
                foreach (var u in listed.MultipartUploads ?? new List<MultipartUpload>())
                {
                    if (u.Key != a.Key || closed.Contains(u.UploadId) || open.Any(o => o.UploadId == u.UploadId)) continue;
                    if (u.Initiated is { } started && started.ToUniversalTime() < a.At - Skew) continue; // older than the announcement: not this run's
                    if (await AbortAsync(s3, a.Bucket, a.Key, u.UploadId, dryRun, log, ct).ConfigureAwait(false)) aborted.Add($"{new Model.S3Location(a.Bucket, a.Key)} ({u.UploadId})");
                }
                log?.Settled(a.Bucket, a.Key, ""); // the announcement is settled
            }
            return aborted;
        }

        /// <summary>True when the upload was open (and, unless a dry run, is aborted now); false when S3 no longer has it.</summary>
        private static async Task<bool> AbortAsync(IAmazonS3 s3, string bucket, string key, string uploadId, bool dryRun, MultipartUploadLog? log, CancellationToken ct)
        {
            if (dryRun) return true;
            try { await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, ct).ConfigureAwait(false); }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchUpload" || ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                log?.Settled(bucket, key, uploadId);
                return false;
            }
            log?.Settled(bucket, key, uploadId);
            return true;
        }
    }
}
