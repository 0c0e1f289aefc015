using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// The module's own load context. It holds the engine (S3Migration.Engine.dll) and what the engine needs from
    /// bin/deps/ (AWSSDK.Core, AWSSDK.S3, CsvHelper, ...); anything not in bin/deps/ (the runtime, PowerShell) comes from
    /// the default context as usual. So an AWSSDK.Core that AWS.Tools (or Add-Type) put into PowerShell's default
    /// context, before or after Import-Module, is never the one the module uses, and ours never clashes with theirs.
    /// </summary>
    internal sealed class EngineLoadContext : AssemblyLoadContext
    {
        internal const string EngineName = "S3Migration.Engine";

        private readonly string _deps;

        private EngineLoadContext(string deps) : base("S3Migration") => _deps = deps;

        /// <summary>bin/deps/ beside this assembly (bin/S3Migration.dll).</summary>
        internal static readonly EngineLoadContext Instance =
            new(Path.Combine(Path.GetDirectoryName(typeof(EngineLoadContext).Assembly.Location)!, "deps"));

        protected override Assembly? Load(AssemblyName name)
        {
            var path = Path.Combine(_deps, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        /// <summary>
        /// The default context's last resort for S3Migration.Engine only: the cmdlet assembly (in the default context)
        /// references the engine, which is not on any default probing path, so this hands over the copy in our context.
        /// Every other name is left to the default context and to other handlers.
        /// </summary>
        internal static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
            name.Name == EngineName ? Instance.LoadFromAssemblyName(name) : null;
    }

    /// <summary>
    /// When PowerShell imports the module: hooks <see cref="EngineLoadContext.ResolveEngine"/> into the default context,
    /// and makes the engine's public types known to scripts by name. PowerShell resolves a type literal such as
    /// [S3Migration.PeopleCsv.CsvUrlChange] only in its default context, so each is registered as a type accelerator of
    /// its full name: `$_ -is [S3Migration.Model.MigrationResult]` keeps working.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        private static int _hooked;

        public void OnImport()
        {
            if (System.Threading.Interlocked.Exchange(ref _hooked, 1) != 0) return;
            AssemblyLoadContext.Default.Resolving += EngineLoadContext.ResolveEngine;
            RegisterTypeNames();
        }

        /// <summary>Not inlined: naming an engine type here loads the engine, which needs the handler hooked first.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void RegisterTypeNames()
        {
            var accelerators = typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators");
            var add = accelerators?.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string), typeof(Type) }, null);
            if (add == null) return;   // an engine without them: scripts then match by $_.PSObject.TypeNames
            foreach (var type in typeof(S3Migration.S3.S3Session).Assembly.GetExportedTypes())
                if (!type.IsGenericTypeDefinition && type.FullName != null && type.FullName.StartsWith("S3Migration.", StringComparison.Ordinal))
                    add.Invoke(null, new object[] { type.FullName, type });
        }
    }
}
