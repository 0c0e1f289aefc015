using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;
using S3Migration.Rules;
using S3Migration.Workspace;

namespace S3Migration.PeopleCsv
{
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum CsvChangeAction
    {
        /// <summary>An old-layout URL replaced by the new layout's URL of the same file.</summary>
        Rewritten,
        /// <summary>An empty URL cell of a person who has verified files of that type, filled in.</summary>
        Filled,
    }

    /// <summary>One cell Update-OutputCsv changes (or, with -WhatIf, would change).</summary>
    public sealed class CsvUrlChange
    {
        public string RowId { get; set; } = "";
        public string PersonName { get; set; } = "";
        public string Column { get; set; } = "";
        public string OldUrl { get; set; } = "";
        public string NewUrl { get; set; } = "";
        public string FileType { get; set; } = "";
        public CsvChangeAction Action { get; set; }
        /// <summary>The CSV line the row starts on.</summary>
        public int Line { get; set; }
        public override string ToString() => $"{RowId} {Column}: {OldUrl} -> {NewUrl}";
    }

    /// <summary>A row or cell that fails validation; the CSV is not replaced while any exists.</summary>
    public sealed class CsvProblem
    {
        public int Line { get; set; }
        public string RowId { get; set; } = "";
        public string Column { get; set; } = "";
        public string Message { get; set; } = "";
        public override string ToString() => $"line {Line} (row_id {RowId}{(Column.Length > 0 ? ", " + Column : "")}): {Message}";
    }

    /// <summary>URL counts of one file type, before and after the update.</summary>
    public sealed class CsvUrlCount
    {
        public string FileType { get; set; } = "";
        public string Column { get; set; } = "";
        public int UrlsBefore { get; set; }
        public int UrlsAfter { get; set; }
        /// <summary>URLs in the new type-folder layout.</summary>
        public int NewLayoutBefore { get; set; }
        public int NewLayoutAfter { get; set; }
        public int VerifiedFiles { get; set; }

        public override string ToString() =>
            $"{FileType}{(Column.Length > 0 ? $" ({Column})" : "")}: {UrlsBefore} URLs before, {UrlsAfter} after; {NewLayoutBefore} -> {NewLayoutAfter} in the new layout; {VerifiedFiles} verified files";
    }

    /// <summary>The before/after comparison of Update-OutputCsv (plan phase 3, "Generate before/after comparison").</summary>
    public sealed class CsvUpdateComparison
    {
        public string Path { get; set; } = "";
        public bool WhatIf { get; set; }
        /// <summary>True when the file was replaced; false for -WhatIf or when nothing needed changing.</summary>
        public bool Replaced { get; set; }
        public string? BackupPath { get; set; }
        public string? BackupMd5 { get; set; }
        public string? UpdatedMd5 { get; set; }
        public int Rows { get; set; }
        public int RowsAfter { get; set; }
        public int PeopleWithEntriesBefore { get; set; }
        public int PeopleWithEntriesAfter { get; set; }
        public int PeopleCompleted { get; set; }
        /// <summary>Rows with no verified copy in the journal and nothing planned: never completed, as nothing of theirs moved.</summary>
        public int PeopleWithoutFiles { get; set; }
        public int Rewritten { get; set; }
        public int Filled { get; set; }
        /// <summary>Old-layout URLs left as they are because the journal has no verified copy of their file.</summary>
        public int NotMigrated { get; set; }
        public List<string> AddedColumns { get; set; } = new List<string>();
        /// <summary>Temporary files a killed run left beside the CSV, removed by this one (CsvFileSwap.Lock).</summary>
        public List<string> RemovedTempFiles { get; set; } = new List<string>();
        public List<CsvUrlCount> ByType { get; set; } = new List<CsvUrlCount>();

        public override string ToString() =>
            $"{(WhatIf ? "Would rewrite" : "Rewrote")} {Rewritten} URLs and filled {Filled} in {Rows} rows; " +
            $"{PeopleCompleted} of {Rows} people completed" + (PeopleWithoutFiles > 0 ? $" ({PeopleWithoutFiles} with no files)" : "") + $"; {NotMigrated} URLs not migrated yet" +
            (AddedColumns.Count > 0 ? $"; added columns {string.Join(", ", AddedColumns)}" : "") +
            (Replaced ? $"; backup {BackupPath}" : "");
    }

    /// <summary>How Update-OutputCsv reads the CSV.</summary>
    public sealed class CsvUpdateOptions
    {
        /// <summary>URL columns and the file type each holds, matched case-insensitively.</summary>
        public static IReadOnlyDictionary<string, string> DefaultColumns { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["s3_audio_url"] = "audio", ["s3_video_url"] = "video", ["s3_transcript_url"] = "transcripts",
            ["s3_document_url"] = "documents", ["s3_image_url"] = "images",
        };

        public const string CompletedColumn = "migration_completed";

        public IReadOnlyDictionary<string, string> Columns { get; set; } = DefaultColumns;
        public string RowIdColumn { get; set; } = PeopleCsvReader.DefaultRowIdColumn;
        /// <summary>Separator of several URLs in one cell, such as ";"; null for one URL per cell.</summary>
        public string? UrlDelimiter { get; set; }
        /// <summary>Leave the columns as they are: no new URL, count or migration_completed columns.</summary>
        public bool KeepSchema { get; set; }
        /// <summary>The file-type map of the migration, for the naming check of each rewritten URL.</summary>
        public FileTypeMap Types { get; set; } = FileTypeMap.Default;
        /// <summary>What the workspace's inventory planned, by source: a person is complete when all of theirs verified.</summary>
        public IReadOnlyDictionary<S3Location, PlannedObject>? Planned { get; set; }
        /// <summary>
        /// The sources whose URLs may be rewritten: those that came through the pipeline verified. Null (no pipeline
        /// input): every copy the journal records as verified.
        /// </summary>
        public ISet<S3Location>? Only { get; set; }

        /// <summary>The default URL columns with the operator's additions (-UrlColumn @{ 'audio_link' = 'audio' }).</summary>
        public static IReadOnlyDictionary<string, string> ColumnsWith(System.Collections.IDictionary? overrides)
        {
            var columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var c in DefaultColumns) columns[c.Key] = c.Value;
            if (overrides != null)
                foreach (System.Collections.DictionaryEntry e in overrides)
                {
                    var column = Convert.ToString(e.Key)?.Trim() ?? "";
                    var type = Convert.ToString(e.Value)?.Trim() ?? "";
                    if (column.Length == 0 || type.Length == 0)
                        throw new ArgumentException("-UrlColumn maps a column name to a file type folder, such as @{ 'audio_link' = 'audio' }; neither may be empty.");
                    columns[column] = type;
                }
            return columns;
        }

        /// <summary>"audio" -> "audio_file_count".</summary>
        public static string CountColumn(string fileType) => fileType.TrimStart('_') + "_file_count";

        /// <summary>The URL column of a file type, or null when none holds it.</summary>
        public string? ColumnOf(string fileType) => Columns.FirstOrDefault(c => c.Value == fileType).Key;
    }
}
