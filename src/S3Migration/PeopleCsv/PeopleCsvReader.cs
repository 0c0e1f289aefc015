using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using CsvHelper;
using CsvHelper.Configuration;
using S3Migration.Model;
using S3Migration.Rules;

namespace S3Migration.PeopleCsv
{
    /// <summary>
    /// Reads the people CSV (outputs/output.csv) for the row ids it knows. Strict on purpose: a ragged row,
    /// a bad quote, a duplicate or non-numeric row id is an error naming its line, never a guess.
    /// </summary>
    public static class PeopleCsvReader
    {
        public const string DefaultRowIdColumn = "row_id";
        /// <summary>The columns that may hold the person's name, first match wins.</summary>
        internal static readonly string[] NameColumns = { "name", "person_name" };

        public static IReadOnlyDictionary<string, PersonRow> Read(string path, string? rowIdColumn = null)
        {
            var column = string.IsNullOrWhiteSpace(rowIdColumn) ? DefaultRowIdColumn : rowIdColumn!;
            if (!File.Exists(path))
                throw CsvText.NotAFile(path, "-CsvPath");
            var config = new CsvConfiguration(CultureInfo.InvariantCulture) { DetectColumnCountChanges = true };
            var rows = new Dictionary<string, PersonRow>(StringComparer.Ordinal);
            try
            {
                using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
                using var csv = new CsvReader(reader, config);
                if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord == null)
                    throw Bad(path, 1, "it is empty; the first line must be a header");
                var header = csv.HeaderRecord;
                var idIndex = Array.FindIndex(header, h => string.Equals(h.Trim(), column, StringComparison.OrdinalIgnoreCase));
                if (idIndex < 0)
                    throw Bad(path, 1, $"it has no '{column}' column (columns: {string.Join(", ", header)}); name the row id column with -RowIdColumn");
                var nameIndex = Array.FindIndex(header, h => NameColumns.Contains(h.Trim(), StringComparer.OrdinalIgnoreCase));
                while (csv.Read())
                {
                    var line = StartLine(csv.Parser);
                    var rowId = (csv.GetField(idIndex) ?? "").Trim();
                    if (rowId.Length == 0) throw Bad(path, line, $"the '{column}' cell is empty");
                    if (!rowId.All(c => c >= '0' && c <= '9')) throw Bad(path, line, $"row_id '{rowId}' is not a number");
                    var key = PersonPattern.NormalizeRowId(rowId);
                    if (rows.TryGetValue(key, out var first))
                        throw Bad(path, line, $"row_id {rowId} is already on line {first.Line}; row ids must be unique");
                    rows[key] = new PersonRow(rowId, nameIndex >= 0 ? csv.GetField(nameIndex) ?? "" : "", line);
                }
            }
            catch (CsvHelperException ex)
            {
                var line = ex.Context?.Parser is { } parser ? StartLine(parser) : 0;
                var why = ex is BadDataException ? "a field has a stray quote or the row has a different number of fields than the header" : ex.GetType().Name;
                throw Bad(path, line, why, ex);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new MigrationException("CsvUnreadable", MigrationErrorKind.ResourceUnavailable, $"The people CSV '{path}' could not be read: {ex.Message}", ex, path);
            }
            return rows;
        }

        /// <summary>The line a record starts on: the parser counts the line it ends on, and a quoted field may hold newlines.</summary>
        internal static int StartLine(IParser parser)
        {
            var raw = (parser.RawRecord ?? "").TrimEnd('\r', '\n');
            return parser.RawRow - raw.Count(c => c == '\n');
        }

        private static MigrationException Bad(string path, int line, string why, Exception? inner = null) =>
            new MigrationException("CsvMalformed", MigrationErrorKind.InvalidData, $"The people CSV '{path}' is malformed at line {line}: {why}.", inner, path);
    }
}
