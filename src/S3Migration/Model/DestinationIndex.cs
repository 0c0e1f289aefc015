using System;
using System.Collections.Generic;

namespace S3Migration.Model
{
    /// <summary>What already exists in the destination type folders: key, size and ETag.</summary>
    public sealed class DestinationIndex
    {
        private readonly Dictionary<string, (long Size, string ETag)> _objects = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        public void Add(string key, long size, string etag) => _objects[key] = (size, ETag.Clean(etag));
        public bool TryGet(string key, out long size, out string etag)
        {
            var found = _objects.TryGetValue(key, out var v);
            size = v.Size; etag = v.ETag ?? "";
            return found;
        }
        public int Count => _objects.Count;
    }
}
