using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// multipart_uploads.csv in the workspace: every multipart upload a copy (Copy-PersonFiles, Backup-MigrationSource)
    /// starts, announced on disk before InitiateMultipartUpload is sent, then its upload id, then that it was completed or
    /// aborted. A process killed in the middle of a multipart copy runs no abort: its upload stays open on S3, invisible in
    /// listings, its parts billed, until someone aborts it. The next Copy-PersonFiles, Backup-MigrationSource or
    /// Undo-Migration of the workspace aborts every upload this log left open (<see cref="ReadLeftOpen"/>, then
    /// Phases/LeftOpenUploads). Each line is appended and flushed to disk on its own (a file opened per line), so two
    /// commands of one workspace never lose each other's lines.
    /// </summary>
    public sealed class MultipartUploadLog
    {
        public const string FileName = "multipart_uploads.csv";
        private static readonly string[] Columns = { "bucket", "key", "upload_id", "status", "at" };
        /// <summary>Announced: InitiateMultipartUpload is about to be sent; no upload id yet.</summary>
        public const string StartingStatus = "starting";
        /// <summary>S3 answered the upload id.</summary>
        public const string OpenStatus = "open";
        /// <summary>Completed or aborted: nothing left open.</summary>
        public const string ClosedStatus = "closed";

        private readonly string _path;
        private readonly object _gate = new object();

        public MultipartUploadLog(string workspace) => _path = Path.Combine(workspace, FileName);

        public void Announce(string bucket, string key) => Append(bucket, key, "", StartingStatus);
        public void Opened(string bucket, string key, string uploadId) => Append(bucket, key, uploadId, OpenStatus);
        public void Settled(string bucket, string key, string uploadId) => Append(bucket, key, uploadId, ClosedStatus);

        private void Append(string bucket, string key, string uploadId, string status)
        {
            var line = new[] { bucket, key, uploadId, status, DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture) };
            lock (_gate)
            {
                using var log = AppendOnlyCsvLog.Open(_path, Columns, FileShare.ReadWrite, shared: true);
                log.AppendSynced(new[] { line });
            }
        }

        /// <summary>One upload the log names: its target, its upload id ("" for an announcement), when it was logged.</summary>
        public readonly record struct LoggedUpload(S3Location Target, string UploadId, DateTime At);

        /// <summary>What the log says a killed run may have left open.</summary>
        public sealed class LeftOpen
        {
            /// <summary>Upload ids logged open and never closed.</summary>
            public List<LoggedUpload> Opened { get; } = new List<LoggedUpload>();
            /// <summary>Per key, a last announcement its upload id never followed (the kill came in between).</summary>
            public List<LoggedUpload> Announced { get; } = new List<LoggedUpload>();
            /// <summary>Every upload id the log names, open or closed: none of them is an announcement's unlogged one.</summary>
            public HashSet<string> Named { get; } = new HashSet<string>(StringComparer.Ordinal);
        }

        /// <summary>The uploads the log left open (none when there is no log).</summary>
        public static LeftOpen ReadLeftOpen(string workspace)
        {
            var rows = Read(Path.Combine(workspace, FileName));
            var left = new LeftOpen();
            var closed = new HashSet<string>(rows.Where(r => r.Status == ClosedStatus && r.UploadId.Length > 0).Select(r => r.UploadId), StringComparer.Ordinal);
            // The open ones: ids never closed, and per key the last announcement not followed by its id.
            left.Opened.AddRange(rows.Where(r => r.Status == OpenStatus && !closed.Contains(r.UploadId)).GroupBy(r => r.UploadId).Select(g => g.First().Upload));
            foreach (var g in rows.GroupBy(r => r.Upload.Target))
            {
                var last = g.Last();
                if (last.Status == StartingStatus) left.Announced.Add(last.Upload);
            }
            left.Named.UnionWith(closed);
            left.Named.UnionWith(left.Opened.Select(o => o.UploadId));
            return left;
        }

        private sealed record Row(LoggedUpload Upload, string Status)
        {
            public string UploadId => Upload.UploadId;
        }

        private static List<Row> Read(string path) =>
            AppendOnlyCsvLog.ReadRows(path, csv =>
            {
                var status = csv.GetField("status") ?? "";
                if (status != StartingStatus && status != OpenStatus && status != ClosedStatus) return null;
                var at = DateTime.TryParse(csv.GetField("at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t.ToUniversalTime() : DateTime.MinValue;
                return new Row(new LoggedUpload(new S3Location(csv.GetField("bucket") ?? "", csv.GetField("key") ?? ""), csv.GetField("upload_id") ?? "", at), status);
            });
    }
}
