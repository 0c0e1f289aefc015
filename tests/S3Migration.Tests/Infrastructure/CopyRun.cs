using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Migration.Tests.Infrastructure;

/// <summary>Runs Copy-PersonFiles in the engine and reads what it left in the workspace.</summary>
public sealed class CopyRun
{
    public static PipelineRun Pipe(MotoServer moto, string script, params (string Name, object? Value)[] vars)
    {
        var all = new Dictionary<string, object?> { ["endpoint"] = moto.EndpointUrl };
        foreach (var (n, v) in vars) all[n] = v;
        return PowerShellHost.Run(script, all);
    }

    /// <summary>
    /// Pipes <paramref name="items"/> into Copy-PersonFiles in a runspace of its own and stops it as Ctrl+C does once
    /// the workspace's journal holds <paramref name="rows"/> rows (or after a minute); asserts that it was stopped.
    /// </summary>
    public static void StopOnceJournaled(object items, string workspace, string endpoint, int throttleLimit, int rows)
    {
        var journal = Path.Combine(workspace, MigrationJournal.FileName);
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("Import-Module $args[0]; $args[1] | Copy-PersonFiles -WorkspacePath $args[2] -EndpointUrl $args[3] -ThrottleLimit $args[4]")
          .AddArgument(RepoPaths.Manifest).AddArgument(items).AddArgument(workspace).AddArgument(endpoint).AddArgument(throttleLimit);
        var handle = ps.BeginInvoke();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (JournalRows(journal) < rows && !handle.IsCompleted && DateTime.UtcNow < deadline) Thread.Sleep(20);
        ps.Stop();
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }

    /// <summary>The complete rows of a journal a run is still writing (0 before it exists).</summary>
    public static int JournalRows(string journal)
    {
        if (!File.Exists(journal)) return 0;
        using var s = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var n = 0;
        JournalReader.Read(s, _ => n++);
        return n;
    }

    public static List<JournalRow> Journal(string workspace) => JournalReader.ReadFile(Path.Combine(workspace, MigrationJournal.FileName));

    public static JsonElement Summary(string workspace) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(workspace, MigrationSummary.FileName))).RootElement;

    public static GetObjectMetadataResponse Head(IAmazonS3 s3, string bucket, string key) =>
        s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }).GetAwaiter().GetResult();

    public static bool Exists(IAmazonS3 s3, string bucket, string key)
    {
        try { Head(s3, bucket, key); return true; }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { return false; }
    }

    public static Dictionary<string, string> Tags(IAmazonS3 s3, string bucket, string key) =>
        s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = key }).GetAwaiter().GetResult()
          .Tagging?.ToDictionary(t => t.Key, t => t.Value) ?? new Dictionary<string, string>();

    /// <summary>Every key of a bucket, all pages.</summary>
    public static List<string> Keys(IAmazonS3 s3, string bucket)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket };
        ListObjectsV2Response page;
        do
        {
            page = s3.ListObjectsV2Async(request).GetAwaiter().GetResult();
            keys.AddRange((page.S3Objects ?? new List<S3Object>()).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
        return keys;
    }

    public static byte[] Body(IAmazonS3 s3, string bucket, string key)
    {
        using var r = s3.GetObjectAsync(bucket, key).GetAwaiter().GetResult();
        using var ms = new MemoryStream();
        r.ResponseStream.CopyTo(ms);
        return ms.ToArray();
    }
}
