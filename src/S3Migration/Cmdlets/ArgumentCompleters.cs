using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using S3Migration.Rules;
using S3Migration.S3;

namespace S3Migration.Cmdlets
{
    // Tab completion for the module's parameters ([ArgumentCompleter(typeof(...))] on each). The lists come from the
    // engine (S3/CompletionLists.cs, Rules/FileTypeMap.cs), which PowerShell reaches through the module's load context
    // like any cmdlet call. A completer runs at the prompt: none of them throws, and none waits more than a moment.

    /// <summary>-Region: the SDK's region names (eu-west-1, ...).</summary>
    public sealed class RegionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completions.Of(CompletionLists.Regions(wordToComplete));
    }

    /// <summary>-ProfileName: the profiles of the credential profile store (shared credentials and config files).</summary>
    public sealed class ProfileNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completions.Of(CompletionLists.ProfileNames(wordToComplete));
    }

    /// <summary>
    /// Bucket parameters: the buckets that ListBuckets returns for the connection on the command line (-EndpointUrl,
    /// -Region, -ProfileName, -Credential), else the session's defaults for the command (Set-MigrationDefault,
    /// $PSDefaultParameterValues), else the environment. Nothing when the listing fails or takes over two seconds.
    /// </summary>
    public sealed class BucketNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var defaults = MigrationDefaults.CurrentDefaults();
                string? Value(string name) =>
                    Completions.Text(fakeBoundParameters?[name]) ?? MigrationDefaults.Lookup(defaults, commandName, name);
                var connection = new S3ConnectionOptions
                {
                    EndpointUrl = Value("EndpointUrl"), Region = Value("Region"), ProfileName = Value("ProfileName"),
                    Credential = fakeBoundParameters?["Credential"] is { } c ? (c is PSObject p ? p.BaseObject : c) : null,
                };
                return Completions.Of(MigrationCmdletBase.WaitAtTheEdge(CompletionLists.BucketNamesAsync(connection, wordToComplete, CompletionLists.BucketListPatience)));
            }
            catch (Exception) { return Array.Empty<CompletionResult>(); }
        }
    }

    /// <summary>
    /// -FileType: the type folders of the naming rules (audio, video, ..., _unknown), with the -FileTypeMap on the
    /// command line when it is a literal PowerShell could read.
    /// </summary>
    public sealed class FileTypeCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            FileTypeMap map;
            try { map = FileTypeMap.Create((fakeBoundParameters?["FileTypeMap"] is PSObject p ? p.BaseObject : fakeBoundParameters?["FileTypeMap"]) as IDictionary); }
            catch (ArgumentException) { map = FileTypeMap.Default; }   // a map the cmdlet will refuse: offer the rule's own folders
            return Completions.Of(CompletionLists.Matching(map.Folders, wordToComplete));
        }
    }

    /// <summary>-WorkspacePath: folders only (PowerShell's own path completion, without the files).</summary>
    public sealed class WorkspaceFolderCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                return CompletionCompleters.CompleteFilename(wordToComplete ?? "")
                    .Where(r => r.ResultType == CompletionResultType.ProviderContainer).ToList();
            }
            catch (Exception) { return Array.Empty<CompletionResult>(); }
        }
    }

    internal static class Completions
    {
        /// <summary>Results as typed; a value with a space or another special character in single quotes.</summary>
        public static IEnumerable<CompletionResult> Of(IEnumerable<string> values) =>
            values.Select(v => new CompletionResult(Quote(v), v, CompletionResultType.ParameterValue, v)).ToList();

        private static string Quote(string value) =>
            value.Any(ch => char.IsWhiteSpace(ch) || "'\"`$&@(){}[];,|<>#".IndexOf(ch) >= 0) ? "'" + value.Replace("'", "''") + "'" : value;

        /// <summary>A bound value as text: a string, or null for anything else (a script block, an array).</summary>
        public static string? Text(object? value) =>
            (value is PSObject p ? p.BaseObject : value) is string s && !string.IsNullOrWhiteSpace(s) ? s : null;
    }
}
