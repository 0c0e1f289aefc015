using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// The session defaults of Set-MigrationDefault: keys 'Copy-PersonFiles:EndpointUrl' (and so on) in the global
    /// $PSDefaultParameterValues, one per command of this module that takes the parameter. Named keys rather than
    /// '*:EndpointUrl', so that AWS.Tools' cmdlets (which take -EndpointUrl, -Region and -ProfileName too) and every
    /// other module are left alone, and -Clear removes exactly what was set.
    /// </summary>
    internal static class MigrationDefaults
    {
        private const string Variable = "global:PSDefaultParameterValues";

        /// <summary>The parameters Set-MigrationDefault sets, in the order Get-MigrationDefault lists them.</summary>
        public static readonly string[] Parameters = { "EndpointUrl", "Region", "ProfileName" };

        /// <summary>
        /// Each command the module exports (its cmdlets, and functions such as Invoke-MigrationWatch) with the parameters
        /// it takes, the defaults' own cmdlets left out; the cmdlets of this assembly when the module is not known.
        /// </summary>
        public static IReadOnlyList<(string Command, string[] Parameters)> Commands(PSModuleInfo? module)
        {
            var commands = module != null
                ? module.ExportedCommands.Values.Select(c => (c.Name, Parameters: Safe(() => c.Parameters.Keys.ToArray())))
                : AssemblyCmdlets;
            return commands.Where(c => !c.Item1.EndsWith("-MigrationDefault", StringComparison.OrdinalIgnoreCase))
                .OrderBy(c => c.Item1, StringComparer.Ordinal).ToList();
        }

        private static IEnumerable<(string, string[])> AssemblyCmdlets => typeof(MigrationDefaults).Assembly.GetTypes()
            .Where(t => typeof(Cmdlet).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (Attr: t.GetCustomAttribute<CmdletAttribute>(), Type: t))
            .Where(c => c.Attr != null)
            .Select(c => (c.Attr!.VerbName + "-" + c.Attr.NounName,
                c.Type.GetProperties().Where(p => p.GetCustomAttributes<ParameterAttribute>().Any()).Select(p => p.Name).ToArray()));

        /// <summary>A function whose parameters cannot be read (a broken nested module) simply gets no default.</summary>
        private static string[] Safe(Func<string[]> parameters)
        {
            try { return parameters(); }
            catch (Exception ex) when (ex is not PipelineStoppedException) { return Array.Empty<string>(); }
        }

        /// <summary>The keys of <paramref name="parameter"/>: 'Command:Parameter' for each of the module's commands that takes it.</summary>
        public static IEnumerable<string> Keys(IEnumerable<(string Command, string[] Parameters)> commands, string parameter) =>
            commands.Where(c => c.Parameters.Contains(parameter, StringComparer.OrdinalIgnoreCase)).Select(c => c.Command + ":" + parameter);

        /// <summary>The session's global $PSDefaultParameterValues, created (as PowerShell creates it) when missing or not a dictionary.</summary>
        public static IDictionary Session(SessionState state)
        {
            if (state.PSVariable.GetValue(Variable) is IDictionary existing) return existing;
            var created = new DefaultParameterDictionary();
            state.PSVariable.Set(Variable, created);
            return created;
        }

        /// <summary>
        /// The defaults of the session the completer runs in: completers run on the pipeline thread, where a script block
        /// reads the caller's variables. Null when there is none to read.
        /// </summary>
        public static IDictionary? CurrentDefaults()
        {
            try { return ScriptBlock.Create("$global:PSDefaultParameterValues").Invoke().FirstOrDefault()?.BaseObject as IDictionary; }
            catch (Exception) { return null; }
        }

        /// <summary>
        /// The text value $PSDefaultParameterValues gives <paramref name="parameter"/> of <paramref name="command"/>: an
        /// exact command name before a wildcard one ('*:EndpointUrl'); null when none applies, when the value is not text
        /// (a script block), or when the defaults are switched off ('Disabled').
        /// </summary>
        public static string? Lookup(IDictionary? defaults, string command, string parameter)
        {
            if (defaults == null || (defaults.Contains("Disabled") && LanguagePrimitives.IsTrue(defaults["Disabled"]))) return null;
            string? wildcard = null;
            foreach (DictionaryEntry entry in defaults)
            {
                if (entry.Key is not string key || key.IndexOf(':') is var colon && colon <= 0) continue;
                if (!string.Equals(key.Substring(colon + 1).Trim(), parameter, StringComparison.OrdinalIgnoreCase)) continue;
                var pattern = key.Substring(0, colon).Trim();
                if (Completions.Text(entry.Value) is not { } value) continue;
                if (string.Equals(pattern, command, StringComparison.OrdinalIgnoreCase)) return value;
                if (WildcardPattern.ContainsWildcardCharacters(pattern) && new WildcardPattern(pattern, WildcardOptions.IgnoreCase).IsMatch(command)) wildcard ??= value;
            }
            return wildcard;
        }
    }

    /// <summary>One session default of the module, as Get-MigrationDefault shows it: the value and the cmdlets it applies to.</summary>
    public sealed class MigrationDefault
    {
        public MigrationDefault(string parameter, string value, IReadOnlyList<string> commands) =>
            (Parameter, Value, Commands) = (parameter, value, commands);

        public string Parameter { get; }
        public string Value { get; }
        public IReadOnlyList<string> Commands { get; }

        public override string ToString() => $"-{Parameter} {Value}";
    }
}
