using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit;

/// <summary>
/// The build layout that lets the module load beside AWS.Tools: bin/ holds only the cmdlet assembly (PowerShell loads
/// it into its default context, and may probe bin/ for what it references), bin/deps/ holds the engine and the SDK,
/// which the module's own AssemblyLoadContext loads.
/// </summary>
public class ModuleIsolationTests
{
    private static readonly string Bin = Path.Combine(RepoPaths.Root, "bin");

    private static List<string> References(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        var md = pe.GetMetadataReader();
        return md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToList();
    }

    [Fact]
    public void The_cmdlet_assembly_references_the_engine_and_no_AWS_SDK_or_CsvHelper()
    {
        var refs = References(Path.Combine(Bin, "S3Migration.dll"));
        Assert.Contains("S3Migration.Engine", refs);
        var leaked = refs.Where(r => r.StartsWith("AWSSDK", StringComparison.OrdinalIgnoreCase) || r.StartsWith("CsvHelper", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(leaked.Count == 0, "S3Migration.dll (default context) references: " + string.Join(", ", leaked));
    }

    [Fact]
    public void Only_the_cmdlet_assembly_sits_in_bin_and_the_engine_and_SDK_in_bin_deps()
    {
        var assemblies = Directory.EnumerateFiles(Bin, "*.dll").Select(Path.GetFileName).ToList();
        Assert.Equal(new[] { "S3Migration.dll" }, assemblies);
        foreach (var dep in new[] { "S3Migration.Engine.dll", "AWSSDK.Core.dll", "AWSSDK.S3.dll", "CsvHelper.dll" })
            Assert.True(File.Exists(Path.Combine(Bin, "deps", dep)), dep + " is not in bin/deps/");
    }
}
