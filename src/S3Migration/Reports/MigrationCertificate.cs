using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.Workspace;

namespace S3Migration.Reports
{
    /// <summary>The figures of the certificate, all computed from the workspace files.</summary>
    public sealed class MigrationCertificate
    {
        public const string MarkdownName = "migration_certificate.md";
        public const string HtmlName = "migration_certificate.html";

        public DateTime GeneratedAt { get; set; }
        public int FilesMigrated { get; set; }
        public long BytesMigrated { get; set; }
        public IDictionary<string, TypeTotal> ByType { get; set; } = new SortedDictionary<string, TypeTotal>(StringComparer.Ordinal);
        public IDictionary<string, int> VerifiedBy { get; set; } = new SortedDictionary<string, int>(StringComparer.Ordinal);
        public int FailuresResolved { get; set; }
        public int FailuresUnresolved { get; set; }
        public int ConflictsUnresolved { get; set; }
        public int Retries { get; set; }
        public IDictionary<string, int>? IntegrityByStatus { get; set; }
        public string MarkdownPath { get; set; } = "";
        public string HtmlPath { get; set; } = "";

        public override string ToString() =>
            $"{Plural.Of(FilesMigrated, "file")} ({Plural.Of(BytesMigrated, "byte")}) migrated; {Plural.Of(FailuresUnresolved, "failure")} and {Plural.Of(ConflictsUnresolved, "conflict")} unresolved";

        /// <summary>Computes the figures and writes migration_certificate.md and .html into the workspace.</summary>
        public static MigrationCertificate Create(string workspace, string title)
        {
            var (c, doc) = Build(workspace, title);
            AddSignOff(doc);
            c.MarkdownPath = Path.Combine(workspace, MarkdownName);
            c.HtmlPath = Path.Combine(workspace, HtmlName);
            var utf8 = new UTF8Encoding(false);
            AtomicFile.Write(c.MarkdownPath, st => { var b = utf8.GetBytes(doc.ToMarkdown()); st.Write(b, 0, b.Length); });
            AtomicFile.Write(c.HtmlPath, st => { var b = utf8.GetBytes(doc.ToHtml()); st.Write(b, 0, b.Length); });
            return c;
        }

        /// <summary>
        /// The figures and the certificate's sections up to (not including) the sign-off, written nowhere: the
        /// certificate adds its sign-off table, the final report (FinalReport) adds its own sections after them.
        /// </summary>
        public static (MigrationCertificate Certificate, CertificateDocument Document) Build(string workspace, string title)
        {
            var journalPath = Path.Combine(workspace, MigrationJournal.FileName);
            if (!File.Exists(journalPath))
                throw new MigrationException("JournalNotFound", MigrationErrorKind.NotFound, $"No {MigrationJournal.FileName} in '{workspace}': the certificate is made from the copy's journal.", target: workspace);
            var rows = CopyJournal.Attempts(workspace);
            var copies = CopyJournal.LastWordPerSource(rows);
            var c = new MigrationCertificate { GeneratedAt = DateTime.UtcNow, Retries = rows.Sum(r => r.Retries) };
            var lastVerified = CopyJournal.LastVerifiedPerSource(rows);
            foreach (var e in copies.Where(e => e.Migrated))
            {
                c.FilesMigrated++;
                c.BytesMigrated += e.Size;
                var type = e.FileType.Length > 0 ? e.FileType : FileTypeMap.Unknown;
                if (!c.ByType.TryGetValue(type, out var t)) c.ByType[type] = t = new TypeTotal();
                t.Files++;
                t.Bytes += e.Size;
                var by = lastVerified[e.Source().ToString()].VerifiedBy;
                by = by.Length > 0 ? by : "earlier run";
                c.VerifiedBy.TryGetValue(by, out var n);
                c.VerifiedBy[by] = n + 1;
            }

            // Every failure or conflict, and how it ended: a later verified row resolves it.
            var problems = rows.Where(r => r.VerificationStatus != JournalRow.Verified).GroupBy(r => r.OldPath).Select(g =>
            {
                var last = g.Last();
                var resolved = lastVerified.TryGetValue(g.Key, out var v) && v.Timestamp >= last.Timestamp;
                return (Row: last, Count: g.Count(), Resolved: resolved, By: resolved ? v! : null);
            }).ToList();
            c.FailuresResolved = problems.Count(p => p.Resolved);
            c.FailuresUnresolved = problems.Count(p => !p.Resolved && p.Row.VerificationStatus == JournalRow.Failed);
            c.ConflictsUnresolved = problems.Count(p => !p.Resolved && p.Row.VerificationStatus == JournalRow.Conflict);

            var summary = ReadJson(Path.Combine(workspace, MigrationSummary.FileName));
            var integrityPath = Path.Combine(workspace, VerificationReport.CsvName);
            if (File.Exists(integrityPath))
                c.IntegrityByStatus = File.ReadAllLines(integrityPath).Skip(1).Select(l => l.Split(',')[0]).GroupBy(s => s)
                    .ToDictionary(g => g.Key, g => g.Count());

            var doc = new CertificateDocument(title);
            doc.P($"Generated {c.GeneratedAt:yyyy-MM-dd HH:mm:ss} UTC from the workspace {workspace} ({MigrationJournal.FileName}"
                  + (summary != null ? $", {MigrationSummary.FileName}" : "") + (c.IntegrityByStatus != null ? $", {VerificationReport.CsvName}" : "") + "). No figure here was typed by hand.");
            doc.H(2, "Files migrated");
            doc.T(new[] { "File type", "Files", "Bytes" }, c.ByType.Select(t => new[] { t.Key, N(t.Value.Files), N(t.Value.Bytes) })
                .Concat(new[] { new[] { "Total", N(c.FilesMigrated), N(c.BytesMigrated) } }));
            doc.H(2, "Checksum verification");
            doc.P("Every migrated file was verified after its copy: size, Content-Type and metadata equal to the source's, and content proven equal as listed.");
            doc.T(new[] { "Proven by", "Files" }, c.VerifiedBy.Select(v => new[] { Describe(v.Key), N(v.Value) }));
            if (c.IntegrityByStatus != null)
            {
                doc.P($"Integrity check of {File.GetLastWriteTimeUtc(integrityPath):yyyy-MM-dd HH:mm} UTC (Test-MigrationIntegrity):");
                doc.T(new[] { "Status", "Files" }, c.IntegrityByStatus.OrderBy(k => k.Key).Select(k => new[] { k.Key, N(k.Value) }));
            }
            doc.H(2, "Failures and conflicts");
            if (problems.Count == 0) doc.P("None.");
            else
                doc.T(new[] { "Source", "What happened", "Attempts", "Resolution" }, problems.Select(p => new[]
                {
                    p.Row.OldPath, $"{p.Row.VerificationStatus}: {p.Row.Error}", N(p.Count),
                    p.Resolved ? $"resolved: verified {p.By!.Timestamp:yyyy-MM-dd HH:mm:ss} UTC" : "UNRESOLVED",
                }));
            doc.H(2, "Performance");
            if (summary is JsonElement s)
                doc.T(new[] { "Figure", "Value" }, new[]
                {
                    new[] { "Started", Str(s, "start_time") }, new[] { "Ended", Str(s, "end_time") }, new[] { "State", Str(s, "state") },
                    new[] { "Duration (s)", Str(s, "duration_seconds") }, new[] { "Objects per second", Str(s, "objects_per_second") },
                    new[] { "Bytes per second", Str(s, "bytes_per_second") }, new[] { "S3 requests", Str(s, "requests") }, new[] { "Retries", Str(s, "retries") },
                });
            else doc.P($"No {MigrationSummary.FileName} in the workspace.");
            return (c, doc);
        }

        /// <summary>The sign-off table: who signs, with empty cells to fill in.</summary>
        public static void AddSignOff(CertificateDocument doc)
        {
            doc.H(2, "Sign-off");
            doc.T(new[] { "Role", "Name", "Date", "Signature" }, new[]
            {
                new[] { "Migration operator", "", "", "" }, new[] { "Data owner", "", "", "" }, new[] { "Application owner", "", "", "" },
            });
        }

        private static string Describe(string by) => by switch
        {
            "etag" => "equal ETags (MD5 or multipart)",
            "md5" => "destination MD5 equals the source's",
            "checksum" => "equal S3 full-object checksums",
            "content" => "both contents read and hashed",
            VerificationRule.ByCopyResponse => "the copy's answer: S3's MD5 of the stored copy equals the source's (headers and tags set by the same request, not read back)",
            _ => by,
        };

        internal static JsonElement? ReadJson(string path)
        {
            if (!File.Exists(path)) return null;
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.Clone();
        }

        /// <summary>A JSON property as text: strings as they are, numbers and booleans as written, missing or null as "".</summary>
        internal static string Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.ValueKind == JsonValueKind.Null ? "" : v.GetRawText()) : "";

        internal static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
    }
}
