using System.Collections;
using System.Management.Automation;
using System.Security;
using Amazon.Runtime;
using S3Migration.Model;
using S3Migration.S3;

namespace S3Migration.Tests.Unit.S3;

/// <summary>
/// -Credential across the load-context boundary: the session's AWSCredentials come from another AWSSDK.Core (a type
/// the module's SDK does not know), so the module reads them by shape; a PSCredential is taken too.
/// </summary>
public class CredentialObjectTests
{
    /// <summary>The shape of an AWSCredentials of another AWSSDK.Core: GetCredentials() → AccessKey, SecretKey, Token.</summary>
    private sealed class ForeignCredentials(string access, string secret, string? token)
    {
        public sealed record Immutable(string AccessKey, string SecretKey, string? Token);
        public Immutable GetCredentials() => new(access, secret, token);
    }

    [Fact]
    public void The_modules_own_credentials_are_used_as_they_are()
    {
        var own = new BasicAWSCredentials("AKID", "SECRET");
        Assert.Same(own, CredentialObject.ToCredentials(new PSObject(own)));
    }

    [Fact]
    public void Foreign_credentials_are_read_by_shape_with_their_session_token()
    {
        var basic = CredentialObject.ToCredentials(new ForeignCredentials("AKID", "SECRET", null))!.GetCredentials();
        Assert.Equal(("AKID", "SECRET", false), (basic.AccessKey, basic.SecretKey, basic.UseToken));
        var session = CredentialObject.ToCredentials(new PSObject(new ForeignCredentials("ASIA", "SECRET", "TOKEN")))!.GetCredentials();
        Assert.Equal(("ASIA", "SECRET", "TOKEN"), (session.AccessKey, session.SecretKey, session.Token));
    }

    [Fact]
    public void A_PSCredential_is_access_key_and_secret_key()
    {
        var secret = new SecureString();
        foreach (var c in "SECRET") secret.AppendChar(c);
        var read = CredentialObject.ToCredentials(new PSCredential("AKID", secret))!.GetCredentials();
        Assert.Equal(("AKID", "SECRET"), (read.AccessKey, read.SecretKey));
    }

    [Fact]
    public void Anything_else_is_refused_by_name_without_its_content()
    {
        var ex = Assert.Throws<MigrationException>(() => CredentialObject.ToCredentials(new PSObject(new Hashtable { ["AccessKey"] = "AKID", ["SecretKey"] = "wJalrXUtnFEMIK7" })));
        Assert.Equal("CredentialNotRecognized", ex.ErrorId);
        Assert.Contains("-Credential", ex.Message);
        Assert.DoesNotContain("wJalrXUtnFEMIK7", ex.Message);
        Assert.Null(CredentialObject.ToCredentials(null));
    }
}
