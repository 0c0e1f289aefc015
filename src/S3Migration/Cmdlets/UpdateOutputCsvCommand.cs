using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using S3Migration.Model;
using S3Migration.PeopleCsv;
using S3Migration.Rules;
using S3Migration.Workspace;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Update-OutputCsv: rewrites the people CSV's URLs to the new layout from the journal's verified copies, with a
    /// backup first, validation before anything is replaced, and an atomic swap (plan phase 3). At the end of the design
    /// card's pipeline (... | Test-MigrationIntegrity | Update-OutputCsv -Path c) it rewrites only what arrives verified;
    /// alone, from -WorkspacePath, every copy the journal verified.
    /// </summary>
    [Cmdlet(VerbsData.Update, "OutputCsv", HelpUri = HelpLinks.PeopleCsv, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CsvUrlChange), typeof(CsvUpdateComparison))]
    public sealed class UpdateOutputCsvCommand : MigrationCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("CsvPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>
        /// The workspace of the copy. Optional when the piped objects carry it (Copy-PersonFiles' and
        /// Test-MigrationIntegrity's results do); given as well, it must be theirs.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateWorkspaceFolder] [ArgumentCompleter(typeof(WorkspaceFolderCompleter))] public string? WorkspacePath { get; set; }

        /// <summary>
        /// Objects from the pipeline, read by property name: SourceBucket, SourceKey, Status and WorkspacePath, as
        /// Test-MigrationIntegrity and Copy-PersonFiles write them (or as a hand-made object has them). Taken whole, not
        /// bound property by property, so that the workspace they carry can be compared with an explicit -WorkspacePath
        /// (a parameter given on the command line is never bound from the pipeline).
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        [Parameter] public Hashtable? UrlColumn { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string? UrlDelimiter { get; set; }
        [Parameter] public SwitchParameter KeepSchema { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string? RowIdColumn { get; set; }
        [Parameter] public Hashtable? FileTypeMap { get; set; }

        private readonly List<string> _workspaces = new List<string>();
        /// <summary>What came through the pipeline: source -> the status it arrived with.</summary>
        private readonly Dictionary<S3Location, string> _arrived = new Dictionary<S3Location, string>();

        protected override void ProcessRecord()
        {
            if (InputObject == null) return;
            var ws = Property("WorkspacePath");
            if (ws.Length > 0)
            {
                ws = ResolvePath(ws);
                if (!_workspaces.Any(w => SameFolder(w, ws))) _workspaces.Add(ws);
            }
            var (bucket, key) = (Property("SourceBucket"), Property("SourceKey"));
            // Objects without a source (a new upload in a type folder, say) name no URL of the CSV.
            if (bucket.Length > 0 && key.Length > 0) _arrived[new S3Location(bucket, key)] = Property("Status");
        }

        private string Property(string name) => InputObject?.Properties[name]?.Value is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture) ?? "" : "";

        protected override void EndProcessing()
        {
            var piped = MyInvocation.ExpectingInput;
            if (_workspaces.Count > 1)
                TerminateInvalidArgument(new ArgumentException($"The piped objects come from {_workspaces.Count} workspaces ({string.Join(", ", _workspaces)}); update the CSV from one at a time."),
                    "SeveralWorkspaces", _workspaces);
            var given = ResolvePathOrNull(WorkspacePath);
            if (given != null && _workspaces.Count == 1 && !SameFolder(given, _workspaces[0]))
                TerminateInvalidArgument(new ArgumentException(
                        $"-WorkspacePath '{given}' is not the workspace the piped objects come from ('{_workspaces[0]}'). Drop -WorkspacePath to use theirs, or pipe the results of '{given}'. The CSV was left as it is."),
                    "WorkspaceMismatch", given);
            if (piped && _arrived.Count == 0)
            {
                // An empty pipeline (say, a filter that let nothing through) is not "everything": nothing is rewritten.
                WriteWarning("Nothing came through the pipeline, so no URL was rewritten and the CSV was left as it is. Without pipeline input, " +
                             "Update-OutputCsv -WorkspacePath rewrites every copy the journal records as verified.");
                return;
            }
            var workspace = given ?? _workspaces.FirstOrDefault();
            if (workspace == null)
                TerminateInvalidArgument(new ArgumentException("No workspace: give -WorkspacePath, or pipe Test-MigrationIntegrity or Copy-PersonFiles results (they carry theirs). The CSV was left as it is."),
                    "NoWorkspace", null);
            var path = ResolvePath(Path);
            try
            {
                var planned = InventoryChecksumsWriter.ReadKeys(workspace!).Planned;
                // Files left out of the copy by choice do not keep their people from being done.
                var excluded = Workspace.ExcludedByChoice.Read(workspace!);
                if (planned != null && excluded.Count > 0) planned = planned.Where(p => !excluded.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value);
                var options = new CsvUpdateOptions
                {
                    Columns = CsvUpdateOptions.ColumnsWith(UrlColumn), UrlDelimiter = UrlDelimiter, KeepSchema = KeepSchema,
                    RowIdColumn = RowIdColumn ?? PeopleCsvReader.DefaultRowIdColumn, Types = Rules.FileTypeMap.Create(FileTypeMap),
                    Planned = planned,
                };
                var journal = CsvJournal.LastWordPerSource(workspace!);
                WriteVerbose($"The journal in {workspace} records {journal.Count(e => e.Migrated)} verified copies.");
                if (piped) options.Only = ArrivedVerified(journal);
                if (!System.IO.File.Exists(path)) throw CsvText.NotAFile(path, "-Path");
                // A workspace serves one CSV: another one is refused before anything is planned or written.
                if (Workspace.MigrationState.Load(workspace!).CsvPath != null) Workspace.MigrationState.RecordCsv(workspace!, path);
                // Read as a stream, a record at a time, by every pass: memory does not grow with the CSV (issue 13).
                var plan = CsvUrlUpdater.Plan(path, () => CsvText.OpenLocked(path), journal, options);
                foreach (var w in plan.Warnings) WriteWarning(w);
                if (plan.Problems.Count > 0)
                {
                    foreach (var p in plan.Problems.Take(100))
                        WriteError(new ErrorRecord(new InvalidOperationException(p.ToString()), "CsvRowInvalid", ErrorCategory.InvalidData, p));
                    var lines = string.Join(", ", plan.Problems.Select(p => p.Line).Distinct().Take(20));
                    Terminate(new MigrationException("CsvValidationFailed", MigrationErrorKind.InvalidData,
                        $"{plan.Problems.Count} URL cells of '{path}' failed validation (lines {lines}{(plan.Problems.Count > 20 ? ", …" : "")}); the first: {plan.Problems[0]}. The CSV was left as it is.", target: path));
                }
                if (!plan.HasChanges)
                {
                    if (!IsWhatIf()) Workspace.MigrationState.RecordCsv(workspace!, path);
                    WriteVerbose($"Every URL of '{path}' is already what the journal says; nothing to change, the file was not touched.");
                    WriteObject(plan.Comparison);
                    return;
                }
                var what = $"Rewrite {plan.Comparison.Rewritten} URLs, fill {plan.Comparison.Filled} empty cells" +
                           (plan.Comparison.AddedColumns.Count > 0 ? $", add columns {string.Join(", ", plan.Comparison.AddedColumns)}" : "") + " (after a backup)";
                if (!ShouldProcess(path, what))
                {
                    plan.Comparison.WhatIf = true;
                    foreach (var c in plan.EachChange()) WriteObject(c);
                    WriteObject(plan.Comparison);
                    return;
                }
                Workspace.MigrationState.RecordCsv(workspace!, path);
                var cmp = CsvFileSwap.Apply(plan, workspace!);
                if (cmp.RemovedTempFiles.Count > 0)
                    WriteVerbose($"Removed {cmp.RemovedTempFiles.Count} temporary files a killed run left beside '{path}': {string.Join(", ", cmp.RemovedTempFiles)}.");
                WriteVerbose($"Replaced '{path}' (md5 {cmp.UpdatedMd5}); the original is in '{cmp.BackupPath}' (md5 {cmp.BackupMd5}).");
                foreach (var c in plan.EachChange()) WriteObject(c);
                WriteObject(cmp);
            }
            catch (MigrationException ex) { Terminate(ex); }
            catch (ArgumentException ex) { Terminate(new MigrationException("InvalidParameter", MigrationErrorKind.InvalidArgument, ex.Message, ex)); }
        }

        /// <summary>
        /// The sources that arrived verified (PhaseGates.ArrivesVerified). Those that arrived otherwise while the journal
        /// records their copy as verified keep their old URL, and a warning says so: the check saw what the journal did not.
        /// </summary>
        private HashSet<S3Location> ArrivedVerified(List<ExpectedCopy> journal)
        {
            var only = new HashSet<S3Location>(_arrived.Where(a => PhaseGates.ArrivesVerified(a.Value)).Select(a => a.Key));
            var held = journal.Where(e => e.Migrated).Select(e => new S3Location(e.SourceBucket, e.SourceKey))
                .Where(p => _arrived.ContainsKey(p) && !only.Contains(p)).OrderBy(p => p.ToString(), StringComparer.Ordinal).ToList();
            foreach (var p in held.Take(20))
                WriteWarning($"{p} arrived {(_arrived[p].Length > 0 ? _arrived[p] : "without a Status")}: its URL is left as it is, although the journal records its copy as verified. " +
                             "Update-OutputCsv rewrites only what arrives verified; see the integrity check's reason.");
            if (held.Count > 20) WriteWarning($"{held.Count - 20} more objects arrived not verified; their URLs are left as they are too.");
            WriteVerbose($"{Plural.Of(_arrived.Count, "object")} came through the pipeline, {only.Count} of them verified; only their URLs are rewritten.");
            return only;
        }

        /// <summary>-WhatIf on the command line or $WhatIfPreference in scope.</summary>
        private bool IsWhatIf() =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? LanguagePrimitives.IsTrue(w) : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }
}
