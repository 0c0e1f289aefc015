using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace S3Migration.Rules
{
    /// <summary>
    /// The tags a migrated copy carries (plan phase 5, "Tag S3 objects"): the source's own tags, plus
    /// migration-date (yyyy-MM-dd, UTC), source-structure (the old key, in S3's tag alphabet) and migration-id (the
    /// workspace's, when it has one), within S3's limit of 10 tags. The source's tags are always kept; where fewer than
    /// three places are left, ours fill them in this order: migration-id first (it is how a resumed run and the undo know
    /// a copy a killed run never journaled as the migration's own), then migration-date, then source-structure.
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
            // In order of importance: the id has a function (provenance), the other two inform.
            var ours = new List<KeyValuePair<string, string>>();
            if (migrationId.Length > 0) ours.Add(new KeyValuePair<string, string>(IdKey, migrationId));
            ours.Add(new KeyValuePair<string, string>(DateKey, migrationDate.ToUniversalTime().ToString("yyyy-MM-dd")));
            ours.Add(new KeyValuePair<string, string>(SourceKey, TagValue("person-folder:" + sourceKey)));
            var own = tags.Count;
            var room = Math.Max(0, MaxTags - own);
            var left = ours.Skip(room).Select(t => t.Key).ToList();
            tags.AddRange(ours.Take(room));
            return (tags, left.Count == 0 ? "" : $"migration tags not added: {string.Join(", ", left)} (the source has {own} tags of S3's {MaxTags})");
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
