using System.Management.Automation.Language;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// Every PowerShell file of the repository (Pester files, build.ps1, examples) parses in the PowerShell 7.6 parser,
/// so a syntax error is caught here even where pwsh itself is not installed.
/// </summary>
public class ScriptSyntaxTests
{
    public static IEnumerable<object[]> Scripts() =>
        new[] { "Pester", "examples", "scripts", "." }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, d), "*.ps*1", d == "." ? SearchOption.TopDirectoryOnly : SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".ps1") || f.EndsWith(".psm1") || f.EndsWith(".psd1"))
            .Select(f => new object[] { Path.GetRelativePath(RepoPaths.Root, f) });

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Parses_without_errors(string file)
    {
        Parser.ParseFile(Path.Combine(RepoPaths.Root, file), out _, out var errors);
        Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => $"{file}:{e.Extent.StartLineNumber}: {e.Message}")));
    }

    [Fact]
    public void Every_acceptance_file_is_tagged_and_shares_one_setup()
    {
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Pester, "*.Tests.ps1"))
        {
            var text = File.ReadAllText(file);
            Assert.Contains("-Tag 'Acceptance'", text);
            Assert.Contains("Enter-AcceptanceSession", text);
            Assert.Contains("Exit-AcceptanceSession", text);
        }
    }
}
