using System.Text.RegularExpressions;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit;

/// <summary>
/// The layout README describes, held by the source itself: each folder references only the folders below it, no file
/// outgrows a reader, no cmdlet holds a concurrency loop, nothing below the cmdlets blocks on a task, and no failure is
/// told apart by the wording of its note. Each test names the files that break the rule, so a failure says where to look.
/// </summary>
public class ArchitectureTests
{
    private static readonly string Src = Path.Combine(RepoPaths.Root, "src", "S3Migration");

    /// <summary>What each folder may reference (besides itself): Cmdlets → Phases → {Rules, S3, Workspace} → Model, and Reports, PeopleCsv → Workspace.</summary>
    private static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["Model"] = [],
        ["Rules"] = ["Model"],
        ["S3"] = ["Model"],
        ["Workspace"] = ["Model", "Rules"],
        ["PeopleCsv"] = ["Model", "Rules", "Workspace"],
        ["Reports"] = ["Model", "Rules", "Workspace", "PeopleCsv"],
        ["Phases"] = ["Model", "Rules", "S3", "Workspace", "PeopleCsv", "Reports"],
        ["Cmdlets"] = ["Model", "Rules", "S3", "Workspace", "PeopleCsv", "Reports", "Phases"],
    };

    private static IEnumerable<(string Rel, string Folder, string Text)> Sources() =>
        Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Src, p).Replace('\\', '/'))
            .Where(rel => !rel.StartsWith("obj/") && !rel.StartsWith("bin/"))
            .Select(rel => (rel, rel.Split('/')[0], File.ReadAllText(Path.Combine(Src, rel))));

    /// <summary>The code without comments, so a doc comment that names another folder is not a dependency.</summary>
    private static string Code(string text) => Regex.Replace(Regex.Replace(text, @"/\*.*?\*/", "", RegexOptions.Singleline), @"(?<![:""])//.*", "");

    [Fact]
    public void Every_source_file_sits_in_one_of_the_layout_folders()
    {
        var stray = Sources().Where(s => !MayUse.ContainsKey(s.Folder)).Select(s => s.Rel).ToList();
        Assert.True(stray.Count == 0, "files outside Cmdlets, Phases, Rules, S3, Workspace, PeopleCsv, Reports, Model: " + string.Join(", ", stray));
    }

    [Fact]
    public void Each_folder_references_only_the_folders_below_it()
    {
        var wrong = new List<string>();
        foreach (var (rel, folder, text) in Sources())
        {
            if (!MayUse.TryGetValue(folder, out var allowed)) continue;
            var used = Regex.Matches(Code(text), @"\bS3Migration\.([A-Z][A-Za-z0-9]*)").Select(m => m.Groups[1].Value).Distinct();
            wrong.AddRange(used.Where(u => u != folder && MayUse.ContainsKey(u) && !allowed.Contains(u)).Select(u => $"{rel} -> {u}"));
        }
        Assert.True(wrong.Count == 0, "references against the layering:\n" + string.Join("\n", wrong));
    }

    /// <summary>
    /// Only S3 and Phases know the SDK, by a using or by a qualified name. Not the folders below them, and not Cmdlets:
    /// the cmdlets are compiled into S3Migration.dll, which PowerShell loads into its default context, where another
    /// AWSSDK.Core (AWS.Tools') may be; they hold an S3Session (S3/S3Session.cs) instead of an IAmazonS3.
    /// </summary>
    [Fact]
    public void Only_S3_and_Phases_know_the_AWS_SDK()
    {
        var sdk = new Regex(@"^\s*using\s+(\w+\s*=\s*)?(Amazon|CsvHelper)\b|\b(Amazon|CsvHelper)\.[A-Z]", RegexOptions.Multiline);
        var found = Sources().Where(s => s.Folder is "Model" or "Rules" or "Workspace" or "PeopleCsv" or "Reports" or "Cmdlets" && Regex.IsMatch(Code(s.Text), s.Folder == "Cmdlets" ? sdk.ToString() : @"^\s*using\s+(\w+\s*=\s*)?Amazon\b|\bAmazon\.[A-Z]", RegexOptions.Multiline))
            .Select(s => s.Rel).ToList();
        Assert.True(found.Count == 0, "the AWS SDK outside S3 and Phases (or CsvHelper in Cmdlets): " + string.Join(", ", found));
    }

    [Fact]
    public void Namespaces_follow_the_folders()
    {
        var wrong = Sources().Where(s => !Regex.IsMatch(s.Text, @"^namespace " + Regex.Escape("S3Migration." + string.Join(".", s.Rel.Split('/')[..^1])) + @"\s*[;{\r\n]", RegexOptions.Multiline))
            .Select(s => s.Rel).ToList();
        Assert.True(wrong.Count == 0, "namespace differs from the folder: " + string.Join(", ", wrong));
    }

    [Fact]
    public void No_source_file_is_much_over_300_lines()
    {
        var big = Sources().Select(s => (s.Rel, Lines: s.Text.Split('\n').Length)).Where(s => s.Lines > 320).Select(s => $"{s.Rel} ({s.Lines})").ToList();
        Assert.True(big.Count == 0, "files over 300 lines: " + string.Join(", ", big));
    }

    [Fact]
    public void Tasks_are_waited_on_in_one_place_the_cmdlet_base()
    {
        var blocking = new Regex(@"\.GetAwaiter\(\)\.GetResult\(\)|\.Wait\(\s*\)|\.Wait\(\s*[A-Za-z_0-9]|Task\.WaitAny|Task\.WaitAll|\.Result\b(?!\s*=)|ToBlockingEnumerable");
        var found = Sources().Where(s => s.Rel != "Cmdlets/MigrationCmdletBase.cs")
            .SelectMany(s => Code(s.Text).Split('\n').Select((l, i) => (s.Rel, Line: i + 1, l)))
            .Where(x => blocking.IsMatch(x.l)).Select(x => $"{x.Rel}:{x.Line}").ToList();
        Assert.True(found.Count == 0, "a blocking wait outside MigrationCmdletBase (RunAsync, RunUntil, Each): " + string.Join(", ", found));
    }

    [Fact]
    public void Every_cmdlet_stands_on_the_shared_base()
    {
        var loose = Sources().Where(s => s.Folder == "Cmdlets" && s.Rel.EndsWith("Command.cs"))
            .Where(s => !Regex.IsMatch(s.Text, @"class \w+Command\s*:\s*(S3CmdletBase|MigrationCmdletBase)\b")).Select(s => s.Rel).ToList();
        Assert.True(loose.Count == 0, "cmdlets not built on MigrationCmdletBase/S3CmdletBase: " + string.Join(", ", loose));
    }

    [Fact]
    public void No_cmdlet_holds_a_concurrency_loop()
    {
        var loop = new Regex(@"Task\.WhenAny|Task\.WaitAny|SemaphoreSlim|Parallel\.|new Thread\(|Channel\.Create");
        var found = Sources().Where(s => s.Folder == "Cmdlets" && loop.IsMatch(Code(s.Text))).Select(s => s.Rel).ToList();
        Assert.True(found.Count == 0, "concurrency inside a cmdlet (it belongs to Phases/BoundedRunner): " + string.Join(", ", found));
    }

    [Fact]
    public void No_failure_is_classified_by_the_text_of_its_note()
    {
        // The receiver in any case: notes.IndexOf(...) is the same reading as Notes.Contains(...).
        var byText = new Regex(@"\b(?i:Notes|Error|ErrorMessage|Message|Reason|e|why|note)\s*\??\.\s*(Contains|IndexOf|StartsWith|EndsWith)\(");
        var found = Sources().SelectMany(s => Code(s.Text).Split('\n').Select((l, i) => (s.Rel, Line: i + 1, l)))
            .Where(x => byText.IsMatch(x.l)).Select(x => $"{x.Rel}:{x.Line}: {x.l.Trim()}").ToList();
        Assert.True(found.Count == 0, "classification by note text:\n" + string.Join("\n", found));
    }

    [Fact]
    public void Addresses_are_S3Location_values_not_joined_strings()
    {
        var joined = new Regex(@"\+\s*""\\n""\s*\+|\$""\{[^}]+\}\\n\{");
        var found = Sources().SelectMany(s => Code(s.Text).Split('\n').Select((l, i) => (s.Rel, Line: i + 1, l)))
            .Where(x => joined.IsMatch(x.l)).Select(x => $"{x.Rel}:{x.Line}").ToList();
        Assert.True(found.Count == 0, "bucket + \"\\n\" + key: " + string.Join(", ", found));
    }
}
