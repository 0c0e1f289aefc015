using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;

namespace S3Migration.Tests.Infrastructure;

/// <summary>
/// A moto server that checks credentials and IAM policies, for real 403 answers: moto lets the first few requests
/// through unchecked, which here create two IAM users, an administrator and a reader who may only read audio/.
/// The IAM calls go over moto's query API (the SDK's IAM package is not a test dependency); moto reads the service from
/// the credential scope and checks no signature during those first requests.
/// </summary>
public sealed class AuthorizingMoto : IDisposable
{
    private const int SetupActions = 8;

    public AuthorizingMoto(string readablePrefix)
    {
        Server = new MotoServer(new Dictionary<string, string> { ["INITIAL_NO_AUTH_ACTION_COUNT"] = SetupActions.ToString() });
        using var http = new HttpClient();
        Admin = CreateUser(http, "admin", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
        Reader = CreateUser(http, "reader", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::*/" + readablePrefix + "*\"}]}");
    }

    public MotoServer Server { get; }
    public BasicAWSCredentials Admin { get; }
    public BasicAWSCredentials Reader { get; }

    public IAmazonS3 AdminClient() => new AmazonS3Client(Admin, new AmazonS3Config
    {
        ServiceURL = Server.EndpointUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED, ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    private BasicAWSCredentials CreateUser(HttpClient http, string name, string policy)
    {
        string Call(params (string, string)[] form)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Server.EndpointUrl + "/")
            {
                Content = new FormUrlEncodedContent(form.Append(("Version", "2010-05-08")).Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2))),
            };
            request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=setup/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
            using var response = http.Send(request);
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"moto IAM {form[0].Item2} failed: {(int)response.StatusCode} {body}");
            return body;
        }
        Call(("Action", "CreateUser"), ("UserName", name));
        var arn = Regex.Match(Call(("Action", "CreatePolicy"), ("PolicyName", name + "-policy"), ("PolicyDocument", policy)), "<Arn>([^<]+)</Arn>").Groups[1].Value;
        Call(("Action", "AttachUserPolicy"), ("UserName", name), ("PolicyArn", arn));
        var key = Call(("Action", "CreateAccessKey"), ("UserName", name));
        return new BasicAWSCredentials(Regex.Match(key, "<AccessKeyId>([^<]+)").Groups[1].Value, Regex.Match(key, "<SecretAccessKey>([^<]+)").Groups[1].Value);
    }

    public void Dispose() => Server.Dispose();
}
