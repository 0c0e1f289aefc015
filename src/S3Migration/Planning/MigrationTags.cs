using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace S3Migration.Planning
{
    /// <summary>
    /// The tags a migrated copy carries (plan phase 5, "Tag S3 objects"): the source's own tags, plus
    /// migration-date (yyyy-MM-dd, UTC), source-structure (the old key, in S3's tag alphabet) and migration-id (the
    /// workspace's, when it has one), within S3's limit of 10 tags. A source with no room left keeps all its tags and gets
    /// none of ours.
    /// </summary>
    public static class MigrationTags
    {
        public const string DateKey = "migration-date";
        public const string SourceKey = "source-structure";
        /// <summary>The workspace's migration id: which migration made this copy, even when a crash kept it out of the journal.</summary>
        public const string IdKey = "migration-id";
        public const int MaxTags = 10;
        private const int MaxValueLength = 256;

        public static (IList<KeyValuePair<string, string>> Tags, string Note) Merge(
            IEnumerable<KeyValuePair<string, string>> sourceTags, DateTime migrationDate, string sourceKey, string migrationId = "")
        {
            var tags = sourceTags.Where(t => t.Key != DateKey && t.Key != SourceKey && t.Key != IdKey).ToList();
            var ours = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>(DateKey, migrationDate.ToUniversalTime().ToString("yyyy-MM-dd")),
                new KeyValuePair<string, string>(SourceKey, TagValue("person-folder:" + sourceKey)),
            };
            if (migrationId.Length > 0) ours.Add(new KeyValuePair<string, string>(IdKey, migrationId));
            if (tags.Count + ours.Count > MaxTags)
                return (tags, $"migration tags not added: the source has {tags.Count} tags of S3's {MaxTags}");
            tags.AddRange(ours);
            return (tags, "");
        }

        /// <summary>S3 tag values allow letters, digits, spaces and + - = . _ : / @, up to 256 characters; anything else becomes '_'.</summary>
        public static string TagValue(string text)
        {
            var sb = new StringBuilder(Math.Min(text.Length, MaxValueLength));
            foreach (var c in text)
            {
                if (sb.Length == MaxValueLength) break;
                sb.Append(char.IsLetterOrDigit(c) || " +-=._:/@".IndexOf(c) >= 0 ? c : '_');
            }
            return sb.ToString();
        }
    }
}
