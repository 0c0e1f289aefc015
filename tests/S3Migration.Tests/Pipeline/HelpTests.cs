using System.Text.RegularExpressions;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Pipeline;

/// <summary>
/// Help that matches the commands: what Get-Help says a cmdlet takes is what Get-Command says it takes, parameter
/// set by parameter set, so a script written from the help binds; -Online and about_S3Migration lead somewhere real.
/// </summary>
[Collection(S3Collection.Name)]
public class HelpTests
{
    [Fact]
    public void Every_cmdlets_help_documents_exactly_its_parameters_and_a_syntax_per_parameter_set()
    {
        var run = PowerShellHost.Run("""
            $common = [System.Management.Automation.PSCmdlet]::CommonParameters
            # One parameter set, or one syntax, as its sorted parameter names (the hosted engine has no Sort-Object).
            function Key($names) { $a = [string[]]@($names | Where-Object { $_ -notin $common }); [Array]::Sort($a, [StringComparer]::Ordinal); $a -join ' -' }
            foreach ($c in (Get-Command -Module S3Migration)) {
                $h = Get-Help $c.Name -Full
                # Where-Object { $_ }: a cmdlet without parameters (Get-MigrationDefault) has no parameter names, and piping nothing sends one $null.
                $documented = @($h.parameters.parameter | ForEach-Object { $_.name } | Where-Object { $_ -and $_ -notin $common })
                $takes = @($c.Parameters.Keys | Where-Object { $_ -notin $common })
                foreach ($p in $documented) { if ($p -notin $takes) { "$($c.Name): the help documents -$p, which the cmdlet does not take" } }
                foreach ($p in $takes) { if ($p -notin $documented) { "$($c.Name): -$p is not in the help's parameters" } }
                $syntax = @($h.syntax.syntaxItem | ForEach-Object { Key ($_.parameter | ForEach-Object { $_.name }) })
                $sets = @($c.ParameterSets | ForEach-Object { Key ($_.Parameters | ForEach-Object { $_.Name }) })
                foreach ($s in $sets) { if ($s -notin $syntax) { "$($c.Name): no help syntax shows the parameter set -$s" } }
                foreach ($s in $syntax) { if ($s -notin $sets) { "$($c.Name): the help syntax -$s is no parameter set of the cmdlet" } }
            }
            """);
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var mismatches = run.Output.Select(o => o.ToString()).ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void Every_cmdlet_has_a_HelpUri_to_its_README_section_in_the_manifests_project()
    {
        var run = PowerShellHost.Run("""
            (Get-Module S3Migration).PrivateData.PSData.ProjectUri
            Get-Command -Module S3Migration | ForEach-Object { $_.Name + ' ' + $_.HelpUri }
            """);
        Assert.Null(run.Terminating);
        var lines = run.Output.Select(o => o.ToString()).ToList();
        var project = lines[0];
        Assert.StartsWith("https://", project);
        var anchors = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"))
            .Where(l => l.StartsWith("## ") || l.StartsWith("### ")).Select(l => GitHubAnchor(l.TrimStart('#').Trim())).ToHashSet();
        Assert.Equal(ModuleTests.Commands.Length, lines.Count - 1);
        foreach (var line in lines.Skip(1))
        {
            var (name, uri) = (line.Split(' ')[0], line.Split(' ').ElementAtOrDefault(1) ?? "");
            Assert.True(uri.StartsWith(project + "#"), $"{name}: HelpUri '{uri}' is not a section of {project}");
            var anchor = uri[(project.Length + 1)..];
            Assert.True(anchors.Contains(anchor), $"{name}: README.md has no section #{anchor}");
            // The section is the cmdlet's own (Get-MigrationTargetKey is the naming rule's command).
            Assert.True(anchor.Contains(GitHubAnchor(name)) || (name == "Get-MigrationTargetKey" && anchor == "naming-rules"), $"{name}: #{anchor} is another cmdlet's section");
        }
    }

    [SkippableFact]
    public void Get_Help_about_S3Migration_finds_the_topic_in_pwsh_and_it_names_every_cmdlet()
    {
        Skip.If(PwshProcess.Locate(out var whyNot) == null, whyNot);
        using var pwsh = PwshProcess.Start("""
            $ErrorActionPreference = 'Stop'
            Import-Module ./S3Migration.psd1
            $topic = Get-Help about_S3Migration
            "TYPE=" + $topic.GetType().Name
            $topic | Out-String -Width 200
            Get-Command -Module S3Migration | ForEach-Object { "CMDLET=" + $_.Name }
            """);
        Assert.True(pwsh.WaitForExit(TimeSpan.FromMinutes(2)), pwsh.Output);
        var output = pwsh.Output;
        Assert.True(pwsh.ExitCode == 0, output);
        // An about topic comes back as its text; a topic not found would be a search result object, or an error.
        Assert.Contains("TYPE=String", output);
        Assert.Contains("about_S3Migration", output);
        Assert.Contains("SHORT DESCRIPTION", output);
        var cmdlets = Regex.Matches(output, @"^CMDLET=(\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ModuleTests.Commands.Length, cmdlets.Count);
        var text = output[..output.IndexOf("CMDLET=", StringComparison.Ordinal)];
        Assert.All(cmdlets, c => Assert.True(text.Contains(c), $"about_S3Migration does not name {c}"));
    }

    [Fact]
    public void README_and_the_help_point_only_inside_the_repository_or_to_https()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var help = File.ReadAllText(Path.Combine(RepoPaths.Root, "en-US", "S3Migration.dll-Help.xml"));
        // The module stands alone: nothing names a file beside the repository.
        Assert.DoesNotContain("../", readme);
        Assert.DoesNotContain("DESIGN.md", readme + help);
        foreach (Match link in Regex.Matches(readme, @"\]\(([^)#\s]+)(#[^)]*)?\)"))
        {
            var target = link.Groups[1].Value;
            if (target.StartsWith("https://")) continue;
            Assert.True(File.Exists(Path.Combine(RepoPaths.Root, target)) || Directory.Exists(Path.Combine(RepoPaths.Root, target)),
                $"README links to {target}, which is not in the repository");
        }
    }

    /// <summary>GitHub's anchor for a heading: lower case, punctuation other than '-' dropped, spaces to '-'.</summary>
    private static string GitHubAnchor(string heading) =>
        Regex.Replace(heading.ToLowerInvariant(), @"[^\p{L}\p{N}\- _]", "").Replace(' ', '-');
}
