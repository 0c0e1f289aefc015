using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace S3Migration.Tests.Infrastructure;

/// <summary>
/// moto's S3 server on a free loopback port, started once per test run and stopped by PID.
/// The python interpreter is S3MIGRATION_PYTHON, else python3. Credentials are dummies: moto checks no signature.
/// </summary>
public sealed class MotoServer : IDisposable
{
    public const string AccessKey = "testing";
    public const string SecretKey = "testing";
    private readonly Process _process;

    public MotoServer() : this(null) { }

    /// <summary>Not public: xUnit wants one public constructor on a fixture.</summary>
    /// <param name="environment">extra variables for the server, such as moto's INITIAL_NO_AUTH_ACTION_COUNT</param>
    internal MotoServer(IDictionary<string, string>? environment)
    {
        Port = FreePort();
        var python = Environment.GetEnvironmentVariable("S3MIGRATION_PYTHON") is { Length: > 0 } p ? p : "python3";
        var start = new ProcessStartInfo(python, $"-m moto.server -H 127.0.0.1 -p {Port}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python} -m moto.server");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Accepts(Port))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"moto.server exited with code {_process.ExitCode}; is moto installed for {python}? (pip install 'moto[server]')");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("moto.server did not accept connections within 30 s");
            Thread.Sleep(100);
        }
        // The cmdlets use the SDK's default credential chain, as an operator's shell would.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecretKey);
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    public int Port { get; }
    public string EndpointUrl => $"http://127.0.0.1:{Port}";
    public int ProcessId => _process.Id;

    public IAmazonS3 CreateClient() => new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = EndpointUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static bool Accepts(int port)
    {
        try { using var c = new TcpClient(); c.Connect(IPAddress.Loopback, port); return true; }
        catch (SocketException) { return false; }
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); } }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
