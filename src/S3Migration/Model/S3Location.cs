using System;

namespace S3Migration.Model
{
    /// <summary>
    /// One object's address: bucket and key. The value every phase uses as a dictionary key and in messages, instead of
    /// joined strings, so no two places can disagree on how an address is spelled or compared (ordinal, case-sensitive,
    /// as S3 compares keys).
    /// </summary>
    public readonly record struct S3Location(string Bucket, string Key)
    {
        /// <summary>s3://bucket/key, the form the journal and the reports write.</summary>
        public override string ToString() => $"s3://{Bucket}/{Key}";

        /// <summary>Reads s3://bucket/key; null for anything else (an empty cell, another scheme, no key).</summary>
        public static S3Location? TryParse(string? path)
        {
            if (path == null || !path.StartsWith("s3://", StringComparison.Ordinal)) return null;
            var rest = path.Substring(5);
            var slash = rest.IndexOf('/');
            if (slash <= 0 || slash == rest.Length - 1) return null;
            return new S3Location(rest.Substring(0, slash), rest.Substring(slash + 1));
        }
    }
}
