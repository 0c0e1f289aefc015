using System;
using System.Collections.Generic;
using System.Linq;

namespace S3Migration.Rules
{
    /// <summary>
    /// Whether an object that appeared in a destination type folder after the migration is the application's normal
    /// upload: its key is the one Get-MigrationTargetKey (the same <see cref="TargetKeyBuilder"/> the inventory uses) gives
    /// a person of the migration, in the type folder of its extension. Such an upload is information for the 30-day
    /// watch; anything else there is an alarm.
    /// </summary>
    public static class NewUploadRule
    {
        /// <summary>
        /// Null when <paramref name="key"/> follows the naming rule, else what is wrong with it.
        /// </summary>
        /// <param name="key">the object's key: [prefix/]type/file</param>
        /// <param name="persons">
        /// the people whose uploads are expected, by normalized row id: their folder names (from the migration) and their
        /// names in the people CSV; a row id nobody knows is not taken on trust
        /// </param>
        /// <param name="rowId">the row id the key names, when it follows the rule</param>
        /// <param name="name">the person's name the key was built from, when it follows the rule</param>
        public static string? Problem(string key, FileTypeMap types, IReadOnlyDictionary<string, ISet<string>> persons, out string rowId, out string name)
        {
            rowId = name = "";
            var segments = key.Split('/');
            if (segments.Length < 2) return "it is not in a type folder";
            var folder = segments[segments.Length - 2];
            var file = segments[segments.Length - 1];
            var type = types.Classify(file);
            if (!string.Equals(folder, type, StringComparison.Ordinal))
            {
                var ext = TargetKeyBuilder.GetExtension(file);
                return $"a file {(ext.Length > 0 ? "of type " + ext : "without an extension")} belongs in the type folder '{type}', not '{folder}'";
            }
            if (KeySanitizer.Sanitize(file) != file)
                return $"its name has characters the naming rule replaces (sanitized: '{KeySanitizer.Sanitize(file)}')";
            var cut = file.IndexOf('_');
            var id = cut > 0 ? file.Substring(0, cut) : "";
            if (id.Length == 0 || !id.All(c => c >= '0' && c <= '9'))
                return "its name does not start with {row_id}_{name}_, as Get-MigrationTargetKey gives it";
            if (!persons.TryGetValue(PersonPattern.NormalizeRowId(id), out var names) || names.Count == 0)
                return $"row_id {id} is no person of this migration or of its people CSV";
            var builder = new TargetKeyBuilder(types, "");
            foreach (var n in names.OrderBy(n => n, StringComparer.Ordinal))
            {
                // '_' survives sanitizing and ends a run of replaced characters, so the sanitized key starts with the
                // sanitized "{row_id}_{name}_" and what follows is the file name the application gave.
                var start = KeySanitizer.Sanitize(id + "_" + n + "_");
                if (!file.StartsWith(start, StringComparison.Ordinal) || file.Length == start.Length) continue;
                var target = builder.Build(id, n, file.Substring(start.Length));
                if (target.TargetKey == type + "/" + file) { rowId = id; name = n; return null; }
            }
            var expected = names.OrderBy(n => n, StringComparer.Ordinal).Select(n => $"'{KeySanitizer.Sanitize(id + "_" + n + "_")}'");
            return $"for row_id {id} the naming rule gives a name starting with {string.Join(" or ", expected)}, sanitized (Get-MigrationTargetKey)";
        }
    }
}
