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

    /// <summary>Hooks <see cref="EngineLoadContext.ResolveEngine"/> into the default context when PowerShell imports the module.</summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        private static int _hooked;

        public void OnImport()
        {
            if (System.Threading.Interlocked.Exchange(ref _hooked, 1) == 0)
                AssemblyLoadContext.Default.Resolving += EngineLoadContext.ResolveEngine;
        }
    }
}
