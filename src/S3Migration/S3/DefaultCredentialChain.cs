using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.Identity;

namespace S3Migration.S3
{
    /// <summary>The SDK's default credential chain found nothing (environment, shared files, SSO, container, instance role).</summary>
    public sealed class CredentialsNotFoundException : AmazonClientException
    {
        public CredentialsNotFoundException(AmazonClientException inner) : base(inner.Message, inner) { }
    }

    /// <summary>
    /// The SDK's own identity resolvers, with one difference: when the default credential chain resolves nothing, the
    /// failure comes out as a <see cref="CredentialsNotFoundException"/>. The SDK says "no credentials" only in a
    /// message; this says it by type, where it happens, so <see cref="S3Errors"/> can tell it apart without reading text.
    /// Still lazy, as the SDK is: a client that never sends a request (Test-OutputCsvUrl -Unsigned) needs no credentials.
    /// Used only for the default chain: credentials given with -Credential or -ProfileName bypass the resolvers.
    /// </summary>
    internal sealed class DefaultCredentialChain : IIdentityResolverConfiguration
    {
        private readonly IIdentityResolverConfiguration _sdk;

        public DefaultCredentialChain(IIdentityResolverConfiguration sdk) => _sdk = sdk;

        public IIdentityResolver GetIdentityResolver<T>() where T : BaseIdentity
        {
            var resolver = _sdk.GetIdentityResolver<T>();
            return typeof(T) == typeof(AWSCredentials) && resolver is IIdentityResolver<AWSCredentials> chain ? new Typed(chain) : resolver;
        }

        private sealed class Typed : IIdentityResolver<AWSCredentials>
        {
            private readonly IIdentityResolver<AWSCredentials> _chain;
            public Typed(IIdentityResolver<AWSCredentials> chain) => _chain = chain;

            public AWSCredentials ResolveIdentity(IClientConfig config)
            {
                try { return _chain.ResolveIdentity(config); }
                catch (AmazonClientException ex) { throw new CredentialsNotFoundException(ex); }
            }

            public async Task<AWSCredentials> ResolveIdentityAsync(IClientConfig config, CancellationToken ct = default)
            {
                try { return await _chain.ResolveIdentityAsync(config, ct).ConfigureAwait(false); }
                catch (AmazonClientException ex) { throw new CredentialsNotFoundException(ex); }
            }

            BaseIdentity IIdentityResolver.ResolveIdentity(IClientConfig config) => ResolveIdentity(config);

            async Task<BaseIdentity> IIdentityResolver.ResolveIdentityAsync(IClientConfig config, CancellationToken ct) =>
                await ResolveIdentityAsync(config, ct).ConfigureAwait(false);
        }
    }
}
