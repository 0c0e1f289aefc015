using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using S3Migration.Model;
using S3Migration.Workspace;

namespace S3Migration.Reports
{
    /// <summary>One kind of failure in the journal, with how many objects it hit.</summary>
    public sealed class FailureGroup
    {
        public string Category { get; set; } = "";
        /// <summary>Distinct objects that failed this way at least once.</summary>
        public int Objects { get; set; }
        /// <summary>Failed attempts (journal rows) of this kind.</summary>
        public int Attempts { get; set; }
        /// <summary>Objects whose last row is still this failure (no later verified row).</summary>
        public int Unresolved { get; set; }
        public List<string> Examples { get; set; } = new List<string>();
    }

    /// <summary>An object that needed more than one attempt or retried requests.</summary>
    public sealed class RetriedObject
    {
        public string Source { get; set; } = "";
        public int Attempts { get; set; }
        public int Retries { get; set; }
        public string LastStatus { get; set; } = "";
    }

    /// <summary>
    /// The facts for the lessons-learned section, from every attempt of migration_log.csv (CopyJournal.Attempts): failures
    /// grouped by their typed reason, objects that needed retries, conflicts and the time span of the copy runs. People
    /// write the lessons; this gives them the figures.
    /// </summary>
    public sealed class LessonsLearned
    {
        public const string ArchivedSource = "archived source";
        public const string SourceChanged = "source changed";
        public const string SourceMissing = "source missing";
        public const string Conflict = "conflict";
        public const string GaveUp = "gave up after retries";
        public const string VerificationMismatch = "verification mismatch";
        public const string Other = "other";
        /// <summary>"S3 error AccessDenied": one category per S3 error code.</summary>
        public const string S3ErrorPrefix = "S3 error ";

        public const int ExampleCount = 3;

        public List<FailureGroup> Failures { get; } = new List<FailureGroup>();
        public List<RetriedObject> Retried { get; } = new List<RetriedObject>();
        public int RetriedObjects => Retried.Count;
        public int TotalRetries { get; private set; }
        public int Conflicts { get; private set; }
        public DateTime? FirstRow { get; private set; }
        public DateTime? LastRow { get; private set; }
        public int Rows { get; private set; }
        /// <summary>UTC days on which rows were written: a rough count of the copy runs' days.</summary>
        public int Days { get; private set; }

        /// <summary>
        /// The one rule that sorts a failed or conflicting journal row into a category: by the reason the copy typed
        /// (reason, and error_code for S3 errors), never by its words. Only rows that do not say (journals written before
        /// the reason column) are sorted by the phrases the copy wrote then (<see cref="LegacyCategoryOf"/>).
        /// </summary>
        public static string Categorize(JournalRow row)
        {
            if (row.VerificationStatus == JournalRow.Conflict) return Conflict;
            return row.Reason switch
            {
                null => LegacyCategoryOf(row.Error ?? ""),
                FailureReason.Conflict => Conflict,
                FailureReason.SourceArchived => ArchivedSource,
                FailureReason.SourceChanged => SourceChanged,
                FailureReason.SourceMissing => SourceMissing,
                FailureReason.GaveUp => GaveUp,
                FailureReason.S3Error => row.ErrorCode.Length > 0 ? S3ErrorPrefix + row.ErrorCode : Other,
                FailureReason.VerificationMismatch => VerificationMismatch,
                _ => Other,
            };
        }

        /// <summary>
        /// Journals written before the reason column (18 and 21 columns) say why a copy failed only in words: the phrases the
        /// copy wrote then, each with its category, first match wins; anything else is "other", never dropped. Never asked
        /// of a row that has the column.
        /// </summary>
        private static readonly (Regex Phrase, string Category)[] LegacyPhrases =
        {
            (new Regex("source is archived", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), ArchivedSource),
            (new Regex("source changed", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), SourceChanged),
            (new Regex("source no longer exists", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), SourceMissing),
            (new Regex("^gave up after", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), GaveUp),
        };
        private static readonly Regex LegacyS3Code = new Regex(@"^S3 answered \d+ (\w+)", RegexOptions.CultureInvariant);
        private static readonly Regex LegacyMismatch = new Regex("did not verify|mismatch", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static string LegacyCategoryOf(string message)
        {
            foreach (var (phrase, category) in LegacyPhrases)
                if (phrase.IsMatch(message)) return category;
            var m = LegacyS3Code.Match(message);
            if (m.Success) return S3ErrorPrefix + m.Groups[1].Value;
            return LegacyMismatch.IsMatch(message) ? VerificationMismatch : Other;
        }

        public static LessonsLearned FromJournal(IReadOnlyList<JournalRow> rows)
        {
            var l = new LessonsLearned { Rows = rows.Count };
            var lastVerified = CopyJournal.LastVerifiedPerSource(rows);
            bool Resolved(JournalRow r) => lastVerified.TryGetValue(r.OldPath, out var v) && v.Timestamp >= r.Timestamp;

            var problems = rows.Where(r => r.VerificationStatus == JournalRow.Failed || r.VerificationStatus == JournalRow.Conflict).ToList();
            foreach (var g in problems.GroupBy(Categorize).OrderByDescending(g => g.Select(r => r.OldPath).Distinct().Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            {
                var byObject = g.GroupBy(r => r.OldPath, StringComparer.Ordinal).ToList();
                l.Failures.Add(new FailureGroup
                {
                    Category = g.Key, Objects = byObject.Count, Attempts = g.Count(),
                    Unresolved = byObject.Count(o => !Resolved(o.Last())),
                    Examples = byObject.Take(ExampleCount).Select(o => o.Key).ToList(),
                });
            }
            l.Conflicts = problems.Where(r => r.VerificationStatus == JournalRow.Conflict).Select(r => r.OldPath).Distinct().Count();

            foreach (var g in rows.GroupBy(r => r.OldPath, StringComparer.Ordinal))
            {
                var retries = g.Sum(r => r.Retries);
                // Attempts per row are the copy attempts of one run; rows of several runs add up.
                var attempts = g.Sum(r => Math.Max(r.Attempts, 0));
                l.TotalRetries += retries;
                if (retries > 0 || attempts > 1)
                    l.Retried.Add(new RetriedObject { Source = g.Key, Attempts = attempts, Retries = retries, LastStatus = g.Last().VerificationStatus });
            }
            l.Retried.Sort((a, b) => b.Retries != a.Retries ? b.Retries.CompareTo(a.Retries) : b.Attempts != a.Attempts ? b.Attempts.CompareTo(a.Attempts) : string.CompareOrdinal(a.Source, b.Source));

            var stamps = rows.Where(r => r.Timestamp != default).Select(r => r.Timestamp.ToUniversalTime()).ToList();
            if (stamps.Count > 0)
            {
                l.FirstRow = stamps.Min();
                l.LastRow = stamps.Max();
                l.Days = stamps.Select(t => t.Date).Distinct().Count();
            }
            return l;
        }

        /// <summary>Adds the generated lessons-learned sections and the headings people fill in.</summary>
        public void AddTo(CertificateDocument doc, int topCount = 10)
        {
            doc.H(2, "Lessons learned");
            doc.P($"Generated from the {Rows} rows of {MigrationJournal.FileName}; the headings after these figures are for people to fill in.");
            doc.H(3, "Failures by reason");
            if (Failures.Count == 0) doc.P("No copy failed.");
            else doc.T(new[] { "Reason", "Objects", "Failed attempts", "Still unresolved", "Examples" },
                Failures.Select(f => new[] { f.Category, MigrationCertificate.N(f.Objects), MigrationCertificate.N(f.Attempts), MigrationCertificate.N(f.Unresolved), string.Join(", ", f.Examples) }));
            doc.H(3, "Retries");
            if (Retried.Count == 0) doc.P("No object needed a retry or a second attempt.");
            else
            {
                doc.P($"{MigrationCertificate.N(Retried.Count)} objects needed retries or more than one attempt ({MigrationCertificate.N(TotalRetries)} retries in all)"
                      + (Retried.Count > topCount ? $"; the top {topCount}:" : ":"));
                doc.T(new[] { "Source", "Attempts", "Retries", "Last status" },
                    Retried.Take(topCount).Select(r => new[] { r.Source, MigrationCertificate.N(r.Attempts), MigrationCertificate.N(r.Retries), r.LastStatus }));
            }
            doc.H(3, "Conflicts");
            doc.P(Conflicts == 0 ? "No conflicts." : $"{MigrationCertificate.N(Conflicts)} objects met a conflict (two sources for one key, or a destination with other content); see the failures table.");
            doc.H(3, "Copy runs");
            doc.P(FirstRow is DateTime first && LastRow is DateTime last
                ? $"Journal rows from {first:yyyy-MM-dd HH:mm:ss} to {last:yyyy-MM-dd HH:mm:ss} UTC ({FormatSpan(last - first)}), on {Days} day(s)."
                : "The journal has no rows.");

            foreach (var heading in new[] { "What went well", "What went wrong", "What we would do differently" })
            {
                doc.H(2, heading);
                doc.L(new[] { "_(to be filled in)_", "_(to be filled in)_", "_(to be filled in)_" });
            }
            doc.H(2, "Follow-ups");
            doc.T(new[] { "Follow-up", "Owner", "Due" }, new[] { new[] { "_(to be filled in)_", "", "" }, new[] { "_(to be filled in)_", "", "" } });
        }

        private static string FormatSpan(TimeSpan t) =>
            t.TotalDays >= 1 ? $"{(int)t.TotalDays} d {t.Hours} h {t.Minutes} min" : t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes} min" : $"{(int)t.TotalMinutes} min {t.Seconds} s";
    }
}
