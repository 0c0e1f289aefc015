using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using S3Migration.Model;

namespace S3Migration.PeopleCsv
{
    /// <summary>
    /// Reads a CSV one record at a time, with the rules of <see cref="CsvText"/> (strict UTF-8 or UTF-16 with a BOM, a stray
    /// quote is an error that names its line, every row as wide as the header), so that a file of any size is read in
    /// memory that does not grow with it. Each record carries its own raw text (<see cref="CsvRecord.Text"/>, field
    /// offsets relative to it) and line ending, so it can be written back byte for byte. The MD5 of every byte read is
    /// kept: the passes of one update prove they all read the same file.
    /// </summary>
    public sealed class CsvRecordReader : IDisposable
    {
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);
        private readonly HashingStream? _hashed;
        private readonly TextReader _reader;
        private readonly string _path;
        private int _line = 1;
        private int _index;
        private int _width = -1;

        public CsvRecordReader(Stream stream, string path)
        {
            _path = path;
            _hashed = new HashingStream(stream);
            var head = new byte[3];
            var n = 0;
            while (n < 3) { var r = _hashed.Read(head, n, 3 - n); if (r == 0) break; n += r; }
            if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) { Encoding = StrictUtf8; Preamble = new byte[] { 0xEF, 0xBB, 0xBF }; }
            else if (n >= 2 && head[0] == 0xFF && head[1] == 0xFE) { Encoding = new UnicodeEncoding(false, false, true); Preamble = new byte[] { 0xFF, 0xFE }; }
            else if (n >= 2 && head[0] == 0xFE && head[1] == 0xFF) { Encoding = new UnicodeEncoding(true, false, true); Preamble = new byte[] { 0xFE, 0xFF }; }
            else { Encoding = StrictUtf8; Preamble = Array.Empty<byte>(); }
            // The bytes read past the BOM go back in front of the rest.
            var rest = new MemoryStream(head, Preamble.Length, n - Preamble.Length);
            _reader = new StreamReader(new ConcatStream(rest, _hashed), Encoding, false, 1 << 16);
            _buf = new char[1 << 16];
        }

        /// <summary>A reader of text already decoded (one rendered record, say); it has no MD5.</summary>
        private CsvRecordReader(string text, string path)
        {
            // The whole text is the buffer: a record proven as it is written costs no 64 KB buffer of its own.
            _path = path; _reader = TextReader.Null; Encoding = StrictUtf8; Preamble = Array.Empty<byte>();
            _buf = text.ToCharArray(); _len = _buf.Length; _eof = true;
        }

        /// <summary>The one record <paramref name="text"/> holds (its line ending included), parsed as the file's would be.</summary>
        internal static (CsvRecord? First, bool More) ParseOne(string text, string path)
        {
            using var r = new CsvRecordReader(text, path);
            return (r.Next(), r.Next() != null);
        }

        public static CsvRecordReader Open(Func<Stream> open, string path) => new CsvRecordReader(open(), path);

        public Encoding Encoding { get; }
        public byte[] Preamble { get; }

        /// <summary>The MD5 of every byte read (lower-case hex); call after <see cref="Next"/> returned null.</summary>
        public string Md5 => _hashed?.Md5 ?? "";

        /// <summary>The next record (blank lines included), or null at the end of the file.</summary>
        public CsvRecord? Next()
        {
            CsvRecord? record;
            try { record = Read(); }
            catch (DecoderFallbackException ex)
            {
                throw new MigrationException("CsvEncoding", MigrationErrorKind.InvalidData,
                    $"The people CSV '{_path}' is not valid UTF-8 (or UTF-16 with a BOM) near line {_line}; save it as UTF-8 and try again. It was left as it is.", ex, _path);
            }
            if (record == null)
            {
                if (_index == 0) throw CsvText.Malformed(_path, 1, "it is empty; the first line must be a header");
                return null;
            }
            if (_index == 0)
            {
                if (record.Blank) throw CsvText.Malformed(_path, 1, "it is empty; the first line must be a header");
                _width = record.Fields.Count;
            }
            else if (!record.Blank && record.Fields.Count != _width)
                throw CsvText.Malformed(_path, record.Line, $"the row has {record.Fields.Count} fields but the header has {_width}");
            _index++;
            return record;
        }

        // The record being read is _buf[_pos..]; offsets in Read count from _pos, so a refill that moves or grows the
        // buffer leaves them valid. Scanning a char buffer with vectorised searches, not a char at a time through the
        // TextReader, made this the cheapest part of each pass instead of a third of the update (issue 13).
        private char[] _buf;
        private int _pos, _len;
        private bool _eof;
        /// <summary>Per field of the record being read: whether its quoted text holds doubled quotes.</summary>
        private readonly List<bool> _escaped = new List<bool>();
        private static readonly System.Buffers.SearchValues<char> UnquotedStops = System.Buffers.SearchValues.Create(",\r\n\"");

        /// <summary>True when the char at offset <paramref name="r"/> of the record is there (reading more if need be); false at the end of the text.</summary>
        private bool More(int r)
        {
            while (_pos + r >= _len)
            {
                if (_eof) return false;
                if (_pos > 0) { Array.Copy(_buf, _pos, _buf, 0, _len - _pos); _len -= _pos; _pos = 0; }
                if (_len == _buf.Length) Array.Resize(ref _buf, _buf.Length * 2);
                var n = _reader.Read(_buf, _len, _buf.Length - _len);
                if (n == 0) { _eof = true; return false; }
                _len += n;
            }
            return true;
        }

        private char At(int r) => _buf[_pos + r];
        private ReadOnlySpan<char> From(int r) => _buf.AsSpan(_pos + r, _len - _pos - r);

        private CsvRecord? Read()
        {
            if (!More(0)) return null;
            var record = new CsvRecord { Start = 0, Line = _line };
            var r = 0;
            var escaped = _escaped;
            escaped.Clear();
            while (true)
            {
                var field = new CsvField { Start = r };
                var hasDoubled = false;
                if (More(r) && At(r) == '"')
                {
                    field.Quoted = true;
                    r++;
                    while (true)
                    {
                        if (!More(r)) throw CsvText.Malformed(_path, record.Line, "a quoted field is never closed");
                        var k = From(r).IndexOfAny('"', '\n');
                        if (k < 0) { r = _len - _pos; continue; }
                        r += k;
                        if (At(r) == '\n') { _line++; r++; continue; }
                        r++;
                        if (More(r) && At(r) == '"') { hasDoubled = true; r++; continue; }
                        break;
                    }
                    if (More(r) && At(r) is var next && next != ',' && next != '\r' && next != '\n')
                        throw CsvText.Malformed(_path, _line, "a field has a stray quote (text after the closing quote)");
                }
                else
                {
                    while (More(r))
                    {
                        var k = From(r).IndexOfAny(UnquotedStops);
                        if (k < 0) { r = _len - _pos; continue; }
                        r += k;
                        if (At(r) == '"') throw CsvText.Malformed(_path, _line, "a field has a stray quote (quotes must enclose the whole field)");
                        break;
                    }
                }
                field.Length = r - field.Start;
                record.Fields.Add(field);
                escaped.Add(hasDoubled);
                if (More(r) && At(r) == ',') { r++; continue; }
                break;
            }
            record.End = r;
            var text = record.Text = new string(_buf, _pos, r);
            for (var fi = 0; fi < record.Fields.Count; fi++)
            {
                var f = record.Fields[fi];
                if (!f.Quoted) f.Value = f.Length == 0 ? "" : text.Substring(f.Start, f.Length);
                else
                {
                    // Inside the quotes every quote is doubled (a single one would have closed the field).
                    var inner = text.Substring(f.Start + 1, f.Length - 2);
                    f.Value = escaped[fi] ? inner.Replace("\"\"", "\"") : inner;
                }
            }
            if (More(r))
            {
                var end = At(r++);
                if (end == '\r' && More(r) && At(r) == '\n') { r++; record.Terminator = "\r\n"; }
                else record.Terminator = end == '\n' ? "\n" : end == '\r' ? "\r" : end.ToString();
            }
            _pos += r;
            _line++;
            return record;
        }

        /// <summary>Every record of the file, then the check that nothing is left over; the MD5 is final afterwards.</summary>
        public IEnumerable<CsvRecord> All()
        {
            CsvRecord? r;
            while ((r = Next()) != null) yield return r;
        }

        public void Dispose() { _reader.Dispose(); _hashed?.Dispose(); }

        /// <summary>A stream read once from start to end: what the reader's two wrappers share.</summary>
        internal abstract class ForwardReadStream : Stream
        {
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }

        /// <summary>A read-only stream that hashes (MD5) what passes through it.</summary>
        internal sealed class HashingStream : ForwardReadStream
        {
            private readonly Stream _inner;
            private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            private string? _final;
            public HashingStream(Stream inner) { _inner = inner; }
            public string Md5 => _final ??= Hex.Lower(_md5.GetHashAndReset());
            public override int Read(byte[] buffer, int offset, int count)
            {
                var n = _inner.Read(buffer, offset, count);
                _md5.AppendData(buffer, offset, n);
                return n;
            }
            protected override void Dispose(bool disposing) { if (disposing) { _inner.Dispose(); _md5.Dispose(); } base.Dispose(disposing); }
        }

        /// <summary>Two streams read one after the other.</summary>
        private sealed class ConcatStream : ForwardReadStream
        {
            private readonly Stream _first, _second;
            private bool _firstDone;
            public ConcatStream(Stream first, Stream second) { _first = first; _second = second; }
            public override int Read(byte[] buffer, int offset, int count)
            {
                if (!_firstDone) { var n = _first.Read(buffer, offset, count); if (n > 0) return n; _firstDone = true; }
                return _second.Read(buffer, offset, count);
            }
        }
    }
}
