using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace S3Migration.Rules
{
    /// <summary>
    /// Maps a file extension to the type folder it belongs in (DESIGN.md, "Naming rules").
    /// Extensions are compared case-insensitively; anything unmapped is <see cref="Unknown"/>.
    /// </summary>
    public sealed class FileTypeMap
    {
        public const string Unknown = "_unknown";

        private static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [".mp3"] = "audio", [".m4a"] = "audio",
            [".mp4"] = "video", [".webm"] = "video",
            [".pdf"] = "documents", [".doc"] = "documents", [".docx"] = "documents",
            [".srt"] = "transcripts", [".vtt"] = "transcripts",
            [".jpg"] = "images", [".png"] = "images",
        };

        private readonly Dictionary<string, string> _map;

        private FileTypeMap(Dictionary<string, string> map) => _map = map;

        public static FileTypeMap Default { get; } = new FileTypeMap(new Dictionary<string, string>(Defaults.ToDictionary(p => p.Key, p => p.Value), StringComparer.OrdinalIgnoreCase));

        /// <summary>
        /// The default map with the operator's additions and overrides: keys are extensions (".flac" or "flac"),
        /// values type folder names. A folder name must be one plain path segment that sanitizing leaves unchanged,
        /// so that a type folder can never escape the destination prefix or collide with a sanitized name.
        /// </summary>
        public static FileTypeMap Create(IDictionary? overrides)
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in Defaults) map[p.Key] = p.Value;
            if (overrides == null) return new FileTypeMap(map);
            foreach (DictionaryEntry entry in overrides)
            {
                var ext = Convert.ToString(entry.Key)?.Trim() ?? "";
                var folder = Convert.ToString(entry.Value)?.Trim() ?? "";
                if (ext.Length == 0 || ext == ".")
                    throw new ArgumentException("FileTypeMap has an empty extension; use keys such as '.flac'.");
                if (!ext.StartsWith(".", StringComparison.Ordinal)) ext = "." + ext;
                if (ext.IndexOf('.', 1) >= 0 || ext.IndexOf('/') >= 0)
                    throw new ArgumentException($"FileTypeMap extension '{ext}' must be a single extension such as '.flac'.");
                if (folder.Length == 0 || folder.IndexOf('/') >= 0 || folder == "." || folder == ".." || KeySanitizer.Sanitize(folder) != folder)
                    throw new ArgumentException($"FileTypeMap folder '{folder}' for '{ext}' must be one plain folder name (letters, digits, '-', '_', '.'), such as 'audio'.");
                map[ext] = folder;
            }
            return new FileTypeMap(map);
        }

        /// <summary>The type folder for a file name, by its extension (see <see cref="TargetKeyBuilder.GetExtension"/>).</summary>
        public string Classify(string fileName)
        {
            var ext = TargetKeyBuilder.GetExtension(fileName);
            return ext.Length > 0 && _map.TryGetValue(ext, out var folder) ? folder : Unknown;
        }

        /// <summary>Every type folder a file can land in, <see cref="Unknown"/> included, sorted.</summary>
        public IReadOnlyList<string> Folders =>
            _map.Values.Append(Unknown).Distinct(StringComparer.Ordinal).OrderBy(f => f, StringComparer.Ordinal).ToList();

        public IReadOnlyDictionary<string, string> Mappings => _map;
    }
}
