using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Win32.SafeHandles;
using S3Migration.Model;

namespace S3Migration.Workspace
{
    /// <summary>
    /// The journal's verified rows by source path (s3://bucket/key), the resume's meaning (<see cref="CopyJournal.TakeForResume"/>),
    /// without holding the rows: per source 64 bits of its <see cref="KeyDigest"/> and the byte offset of its row in the
    /// journal (28 bytes a source in a full table, up to twice that just after it doubled, where the row itself cost over a
    /// kilobyte: issue 13, a re-run after a migration of a million files). A lookup reads the row back from the file and
    /// answers only when the row names that very source, so an answer is the journal's exact word; two sources sharing 64
    /// bits (about 1 in 3*10^7 at a million sources) can only cost one of them its skip, and it is checked again like a
    /// new one (never copied over a destination that differs). Lookups may come from several threads.
    /// </summary>
    public sealed class VerifiedRows : IReadOnlyDictionary<string, JournalRow>, IDisposable
    {
        private readonly Dictionary<ulong, long> _at = new Dictionary<ulong, long>();
        private readonly string _path;
        private SafeFileHandle? _file;
        private int _width;

        private VerifiedRows(string path) => _path = path;

        /// <summary>The verified rows of the journal at <paramref name="path"/> (read-only; none when it does not exist).</summary>
        public static VerifiedRows Read(string path)
        {
            var rows = new VerifiedRows(path);
            if (!File.Exists(path)) return rows;
            using (var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                JournalReader.Read(s, rows.Take, out rows._width);
            rows.Attach();
            return rows;
        }

        /// <summary>For the journal's writer, which reads the file itself: an empty index to fill with <see cref="Take"/>, then <see cref="Attach"/>.</summary>
        internal static VerifiedRows Filling(string path) => new VerifiedRows(path);

        internal int Width { set => _width = value; }

        /// <summary>One row, in journal order, with the offset it starts at: a verified row records its source as done; a later other row withdraws it.</summary>
        internal void Take(JournalRow row, long offset) => CopyJournal.TakeForResume(_at, KeyDigest.Of(row.OldPath).High, row, _ => offset);

        /// <summary>Opens the file for the lookups once the rows are taken.</summary>
        internal void Attach()
        {
            if (_at.Count > 0 && _file == null)
                _file = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }

        public int Count => _at.Count;

        public bool TryGetValue(string key, out JournalRow value)
        {
            value = null!;
            if (!_at.TryGetValue(KeyDigest.Of(key).High, out var offset) || _file == null) return false;
            var row = JournalReader.ReadRowAt(_file, offset, _width);
            if (row == null || row.OldPath != key || row.VerificationStatus != JournalRow.Verified) return false;
            value = row;
            return true;
        }

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public JournalRow this[string key] => TryGetValue(key, out var row) ? row : throw new KeyNotFoundException(key);

        /// <summary>Every verified row, read from the file one at a time (in no particular order).</summary>
        public IEnumerator<KeyValuePair<string, JournalRow>> GetEnumerator()
        {
            if (_file == null) yield break;
            foreach (var offset in _at.Values.ToArray())
                if (JournalReader.ReadRowAt(_file, offset, _width) is { } row) yield return new KeyValuePair<string, JournalRow>(row.OldPath, row);
        }

        public IEnumerable<string> Keys => this.Select(p => p.Key);
        public IEnumerable<JournalRow> Values => this.Select(p => p.Value);
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>
        /// The rows as the inventory's planner reads them (it may not know journal rows): each projected by <paramref name="keep"/>
        /// on a lookup.
        /// </summary>
        public IReadOnlyDictionary<string, T> Select<T>(Func<JournalRow, T> keep) => new Projected<T>(this, keep);

        public void Dispose() => _file?.Dispose();

        private sealed class Projected<T> : IReadOnlyDictionary<string, T>
        {
            private readonly VerifiedRows _rows;
            private readonly Func<JournalRow, T> _keep;
            public Projected(VerifiedRows rows, Func<JournalRow, T> keep) { _rows = rows; _keep = keep; }
            public int Count => _rows.Count;
            public bool ContainsKey(string key) => _rows.ContainsKey(key);
            public bool TryGetValue(string key, out T value)
            {
                var found = _rows.TryGetValue(key, out var row);
                value = found ? _keep(row) : default!;
                return found;
            }
            public T this[string key] => _keep(_rows[key]);
            public IEnumerable<string> Keys => _rows.Keys;
            public IEnumerable<T> Values => _rows.Values.Select(_keep);
            public IEnumerator<KeyValuePair<string, T>> GetEnumerator() =>
                ((IEnumerable<KeyValuePair<string, JournalRow>>)_rows).Select(p => new KeyValuePair<string, T>(p.Key, _keep(p.Value))).GetEnumerator();
            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
