using System;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace S3Migration.Model
{
    /// <summary>
    /// A key's identity in 16 bytes, for the indexes that hold one entry per object (issue 13: a million keys in flat
    /// memory). The first 128 bits of SHA-256: two different keys share a digest with odds of about 1 in 10^26 at a billion
    /// keys, and no one can choose file names that collide, so a digest is as good as the key for "is it there" (a test of
    /// equality the safety of a skip or a conflict can rest on, unlike a 64-bit or non-cryptographic hash).
    /// </summary>
    public static class KeyDigest
    {
        public static Digest Of(string text)
        {
            // The UTF-16 code units as they are: no encoding step that could map two texts (lone surrogates) to one.
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(MemoryMarshal.AsBytes(text.AsSpan()), hash);
            return new Digest(BitConverter.ToUInt64(hash.Slice(0, 8)), BitConverter.ToUInt64(hash.Slice(8, 8)));
        }

        /// <summary>An object's address: bucket and key, so one index may hold several buckets.</summary>
        public static Digest Of(string bucket, string key) => Of(bucket + "/" + key);
    }

    /// <summary>
    /// 128 bits as two 64-bit halves: aligned on 8 bytes (UInt128 is aligned on 16, which pads every dictionary entry).
    /// A half alone is a fine hint where the caller confirms a hit exactly (<c>VerifiedRows</c> reads the row back).
    /// </summary>
    public readonly struct Digest : IEquatable<Digest>
    {
        public Digest(ulong high, ulong low) { High = high; Low = low; }
        public ulong High { get; }
        public ulong Low { get; }
        public bool Equals(Digest other) => High == other.High && Low == other.Low;
        public override bool Equals(object? obj) => obj is Digest d && Equals(d);
        public override int GetHashCode() => (int)High ^ (int)(High >> 32);
        public static bool operator ==(Digest a, Digest b) => a.Equals(b);
        public static bool operator !=(Digest a, Digest b) => !a.Equals(b);
    }
}
