namespace S3Migration.Tests.Infrastructure;

/// <summary>Finds the repository root (the folder holding S3Migration.psd1) from the test binaries.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();
    public static string Manifest => Path.Combine(Root, "S3Migration.psd1");
    public static string Pester => Path.Combine(Root, "Pester");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "S3Migration.psd1"))) return dir.FullName;
        throw new InvalidOperationException("S3Migration.psd1 not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder that is removed with the test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "s3mig-" + Guid.NewGuid().ToString("N")[..10]);
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
