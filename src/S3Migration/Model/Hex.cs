using System;

namespace S3Migration.Model
{
    /// <summary>Lower-case hex, the one spelling of digests in the journal, the manifests and S3's ETags.</summary>
    public static class Hex
    {
        public static string Lower(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
    }
}
