using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace S3Migration.Rules
{
    /// <summary>
    /// Recognises a person folder (the first path segment under the source prefix) and splits it into
    /// row id and name. The pattern must have the named groups <c>row_id</c> and <c>name</c>; a row id must be
    /// ASCII digits, which is also what keeps target keys of different people apart (see MigrationPlanner).
    /// </summary>
    public sealed class PersonPattern
    {
        public const string DefaultPattern = @"^(?<row_id>\d+)_(?<name>.+)$";
        private readonly Regex _regex;

        public PersonPattern(string? pattern = null)
        {
            Pattern = string.IsNullOrWhiteSpace(pattern) ? DefaultPattern : pattern!;
            try
            {
                _regex = new Regex(Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"PersonPattern '{Pattern}' is not a valid regular expression: {ex.Message}");
            }
            var groups = _regex.GetGroupNames();
            if (!groups.Contains("row_id") || !groups.Contains("name"))
                throw new ArgumentException($"PersonPattern '{Pattern}' must define the named groups (?<row_id>...) and (?<name>...), as in '{DefaultPattern}'.");
        }

        public string Pattern { get; }

        /// <summary>True when <paramref name="folder"/> is a person folder; <paramref name="why"/> says why not.</summary>
        public bool TryParse(string folder, out string rowId, out string name, out string why)
        {
            rowId = name = "";
            Match m;
            try { m = _regex.Match(folder); }
            catch (RegexMatchTimeoutException)
            {
                throw new ArgumentException($"PersonPattern '{Pattern}' took over a second on folder '{folder}'; simplify it (avoid nested quantifiers such as (\\d+)+).");
            }
            if (!m.Success) { why = $"folder '{folder}' does not match the person pattern"; return false; }
            rowId = m.Groups["row_id"].Value;
            name = m.Groups["name"].Value;
            if (rowId.Length == 0 || !rowId.All(c => c >= '0' && c <= '9'))
            {
                why = $"folder '{folder}' has row_id '{rowId}', which is not digits";
                return false;
            }
            why = "";
            return true;
        }

        /// <summary>Row ids compare as numbers: folder "0472_x" belongs to CSV row "472".</summary>
        public static string NormalizeRowId(string rowId)
        {
            var t = rowId.Trim().TrimStart('0');
            return t.Length == 0 && rowId.Trim().Length > 0 ? "0" : t;
        }
    }
}
