using System;
using System.Collections.Generic;
using System.Globalization;

namespace S3Migration.Model
{
    /// <summary>
    /// What already exists in the destination type folders: key, size and ETag. It holds one entry per object of the
    /// destination (a million after a migration of a million files), so an entry is kept small (issue 13): the key as its
    /// <see cref="KeyDigest"/>, the size, and an ETag of S3's usual form ("md5" or "md5-parts", lowercase hex) as 16 bytes
    /// and a part count, rebuilt to the same text on a lookup. Other ETags (other servers) are kept as text.
    /// 52 bytes an object in a full table (a dictionary entry: the 16-byte digest, 24 bytes of value, 12 of bookkeeping), up to
    /// twice that just after the table doubled; the key and ETag strings cost about 300 (docs/BENCHMARKS.md).
    /// </summary>
    public sealed class DestinationIndex
    {
        /// <summary>The ETag's MD5 in two halves, and the size and part count in one word (sizes below 2^47 bytes, S3's limit is 5 TiB).</summary>
        private struct Entry
        {
            public ulong Md5High, Md5Low;
            public long SizeAndParts;
            public long Size => SizeAndParts & SizeMask;
            public int Parts => (int)(SizeAndParts >> SizeBits) - 1;
        }

        private const int SizeBits = 47;
        private const long SizeMask = (1L << SizeBits) - 1;
        /// <summary>Parts -1: the ETag is kept as text. Part counts above this, or sizes at or above 2^47, are kept as text too.</summary>
        private const int TextETag = -1, MaxParts = (1 << 15) - 2;
        private readonly Dictionary<Digest, Entry> _objects = new Dictionary<Digest, Entry>();
        private readonly Dictionary<Digest, (long Size, string ETag)> _others = new Dictionary<Digest, (long, string)>();

        public void Add(string key, long size, string etag)
        {
            var id = KeyDigest.Of(key);
            var clean = ETag.Clean(etag);
            if (size >= 0 && size <= SizeMask && TryPack(clean, out var md5, out var parts) && parts <= MaxParts) _others.Remove(id);
            else { md5 = default; parts = TextETag; _others[id] = (size, clean); size = 0; }
            _objects[id] = new Entry { Md5High = (ulong)(md5 >> 64), Md5Low = (ulong)md5, SizeAndParts = ((long)(parts + 1) << SizeBits) | size };
        }

        public bool TryGet(string key, out long size, out string etag)
        {
            var id = KeyDigest.Of(key);
            if (!_objects.TryGetValue(id, out var e)) { size = 0; etag = ""; return false; }
            if (e.Parts == TextETag) (size, etag) = _others[id];
            else { size = e.Size; etag = Unpack(new UInt128(e.Md5High, e.Md5Low), e.Parts); }
            return true;
        }

        public int Count => _objects.Count;

        /// <summary>"md5" (parts 0) or "md5-N" (parts N), lowercase hex, in 20 bytes; false for any other text.</summary>
        private static bool TryPack(string etag, out UInt128 md5, out int parts)
        {
            md5 = default; parts = 0;
            if (etag.Length < 32) return false;
            if (etag.Length > 32)
            {
                // A part count is kept only in the form that rebuilds to the same text (no sign, no leading zero).
                var tail = etag.AsSpan(33);
                if (etag[32] != '-' || tail.Length == 0 || tail[0] == '0' || !int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out parts) || parts <= 0)
                    return false;
            }
            for (var i = 0; i < 32; i++)
            {
                var c = etag[i];
                int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (v < 0) return false;
                md5 = (md5 << 4) | (uint)v;
            }
            return true;
        }

        private static string Unpack(UInt128 md5, int parts)
        {
            var hex = md5.ToString("x32", CultureInfo.InvariantCulture);
            return parts > 0 ? hex + "-" + parts.ToString(CultureInfo.InvariantCulture) : hex;
        }
    }
}
