using System.Diagnostics;

namespace S3Migration.Tests.Infrastructure;

/// <summary>
/// Other AWSSDK.Core builds, as AWS.Tools brings them (3.7.x with AWS.Tools 4, 4.0.x with AWS.Tools 5), restored from
/// the machine's NuGet sources once per run by a throwaway project (PackageDownload) into .tools/awssdk/. AWS.Tools
/// itself is not needed: what collides is its AWSSDK.Core in PowerShell's default load context.
/// </summary>
public static class ForeignAwsSdk
{
    public static readonly string[] Versions = ["3.7.402", "4.0.3.3"];

    private static readonly Lazy<(string? Folder, string WhyNot)> Restored = new(Restore);

    /// <summary>The net8.0 AWSSDK.Core.dll of <paramref name="version"/>, or null with why it could not be restored.</summary>
    public static string? CorePath(string version, out string whyNot)
    {
        var (folder, why) = Restored.Value;
        whyNot = why;
        if (folder == null) return null;
        var path = Path.Combine(folder, "awssdk.core", version, "lib", "net8.0", "AWSSDK.Core.dll");
        if (File.Exists(path)) return path;
        whyNot = path + " is not there after the restore";
        return null;
    }

    private static (string?, string) Restore()
    {
        var packages = Path.Combine(RepoPaths.Root, ".tools", "awssdk");
        if (Versions.All(v => File.Exists(Path.Combine(packages, "awssdk.core", v, "lib", "net8.0", "AWSSDK.Core.dll")))) return (packages, "");
        var project = Path.Combine(Path.GetTempPath(), "s3mig-awssdk-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(project);
        try
        {
            File.WriteAllText(Path.Combine(project, "restore.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
                  <ItemGroup><PackageDownload Include="AWSSDK.Core" Version="{string.Join(";", Versions.Select(v => $"[{v}]"))}" /></ItemGroup>
                </Project>
                """);
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = project };
            foreach (var a in new[] { "restore", "--packages", packages, "-nologo", "-v", "quiet" }) start.ArgumentList.Add(a);
            using var p = Process.Start(start)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(true); return (null, "dotnet restore of AWSSDK.Core took over 3 minutes"); }
            return p.ExitCode == 0 ? (packages, "") : (null, $"dotnet restore of AWSSDK.Core {string.Join(", ", Versions)} failed: {output.Result}{error.Result}");
        }
        finally { try { Directory.Delete(project, true); } catch (IOException) { } }
    }
}
