using System;
using System.Security.Cryptography;
using System.Text;
using S3Migration.Model;

namespace S3Migration.Rules
{
    /// <summary>The file type and key a file gets in the destination layout.</summary>
    public sealed class MigrationTarget
    {
        public string RowId { get; set; } = "";
        public string PersonName { get; set; } = "";
        public string FileName { get; set; } = "";
        public string FileType { get; set; } = "";
        public string TargetKey { get; set; } = "";
        public bool Truncated { get; set; }
    }

    /// <summary>
    /// The naming rule of DESIGN.md in one place: <c>{prefix}{type}/{row_id}_{name}_{relative path}</c>,
    /// sanitized by <see cref="KeySanitizer"/>, with '/' of nested subfolders becoming '_'.
    /// Both Get-MigrationInventory and Get-MigrationTargetKey (the application's upload path) call it.
    /// </summary>
    public sealed class TargetKeyBuilder
    {
        /// <summary>S3's limit on a key, in UTF-8 bytes.</summary>
        public const int MaxKeyBytes = 1024;
        private const int HashChars = 12;

        private readonly FileTypeMap _types;
        private readonly string _prefix;

        public TargetKeyBuilder(FileTypeMap types, string? destinationPrefix)
        {
            _types = types;
            _prefix = NormalizePrefix(destinationPrefix);
        }

        public string DestinationPrefix => _prefix;
        public FileTypeMap Types => _types;

        /// <summary>"", or the prefix without a leading '/' and with one trailing '/'. A leading '/' breaks copy sources.</summary>
        public static string NormalizePrefix(string? prefix)
        {
            var p = (prefix ?? "").Trim().TrimStart('/');
            return p.Length == 0 || p.EndsWith("/", StringComparison.Ordinal) ? p : p + "/";
        }

        /// <summary>
        /// The extension that decides the file type: the text from the last '.' of the last path segment,
        /// or "" for no dot, a dotfile such as ".env", or a trailing dot.
        /// </summary>
        public static string GetExtension(string fileName)
        {
            var name = fileName.Substring(fileName.LastIndexOf('/') + 1);
            var dot = name.LastIndexOf('.');
            return dot <= 0 || dot == name.Length - 1 ? "" : name.Substring(dot);
        }

        /// <param name="rowId">the person's row id</param>
        /// <param name="personName">the name part of the person folder</param>
        /// <param name="relativePath">the file's path under the person folder, e.g. "youtube_x.mp3" or "sub/clip.mp4"</param>
        public MigrationTarget Build(string rowId, string personName, string relativePath)
        {
            if (string.IsNullOrEmpty(rowId)) throw new ArgumentException("A row id is required.", nameof(rowId));
            if (string.IsNullOrEmpty(relativePath) || relativePath.EndsWith("/", StringComparison.Ordinal))
                throw new ArgumentException($"'{relativePath}' is not a file name.", nameof(relativePath));

            var type = _types.Classify(relativePath);
            var folder = _prefix + type + "/";
            var name = KeySanitizer.Sanitize($"{rowId}_{personName}_{relativePath}");
            var truncated = false;
            if (Utf8(folder) + Utf8(name) > MaxKeyBytes)
            {
                name = Shorten(name, MaxKeyBytes - Utf8(folder), KeySanitizer.Sanitize(GetExtension(relativePath)));
                truncated = true;
            }
            return new MigrationTarget
            {
                RowId = rowId, PersonName = personName, FileName = relativePath,
                FileType = type, TargetKey = folder + name, Truncated = truncated,
            };
        }

        /// <summary>
        /// Whether <paramref name="targetKey"/> is what the naming rule gives <paramref name="sourceKey"/>: the file
        /// name carries the row id and name and the original name, and it sits in its type's folder. The person
        /// folder is the source key's segment that starts with the row id; the destination prefix is whatever
        /// precedes the type folder. Null when it follows the rule, else what was expected.
        /// </summary>
        public string? NamingProblem(string rowId, string personName, string sourceKey, string targetKey)
        {
            var segments = sourceKey.Split('/');
            var person = Array.FindIndex(segments, s => s.StartsWith(rowId + "_", StringComparison.Ordinal));
            if (person < 0 || person == segments.Length - 1) return $"the source key has no person folder for row_id {rowId}";
            var relative = string.Join("/", segments, person + 1, segments.Length - person - 1);
            var expected = Build(rowId, personName, relative);
            var name = expected.TargetKey.Substring(expected.TargetKey.IndexOf('/') + 1);
            var typeAndName = expected.FileType + "/" + name;
            return targetKey == typeAndName || targetKey.EndsWith("/" + typeAndName, StringComparison.Ordinal)
                ? null
                : $"the naming rule gives '{typeAndName}' (type folder {expected.FileType})";
        }

        /// <summary>
        /// Cuts the stem so the name fits in <paramref name="budget"/> bytes, keeps the extension, and adds
        /// '~' and a hash of the whole name, so two long names that share their first kilobyte stay distinct.
        /// </summary>
        private static string Shorten(string name, int budget, string extension)
        {
            var stem = extension.Length > 0 && name.EndsWith(extension, StringComparison.Ordinal)
                ? name.Substring(0, name.Length - extension.Length) : name;
            var hash = Hex.Lower(SHA256.HashData(Encoding.UTF8.GetBytes(name))).Substring(0, HashChars);
            var room = budget - Utf8(extension) - 1 - HashChars;
            if (room < 1 && extension.Length > 0)
            {
                // An "extension" of a kilobyte is no extension to keep: cut the whole name instead.
                stem = name;
                extension = "";
                room = budget - 1 - HashChars;
            }
            if (room < 1)
                throw new ArgumentException($"The destination prefix leaves no room for a file name within {MaxKeyBytes} bytes.");
            var sb = new StringBuilder();
            var used = 0;
            for (var i = 0; i < stem.Length; i++)
            {
                var len = char.IsHighSurrogate(stem[i]) && i + 1 < stem.Length ? 2 : 1;
                var bytes = Encoding.UTF8.GetByteCount(stem.Substring(i, len));
                if (used + bytes > room) break;
                sb.Append(stem, i, len);
                used += bytes;
                i += len - 1;
            }
            return sb + "~" + hash + extension;
        }

        private static int Utf8(string s) => Encoding.UTF8.GetByteCount(s);
    }
}
