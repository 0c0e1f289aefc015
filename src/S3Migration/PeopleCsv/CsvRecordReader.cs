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
        }

        /// <summary>A reader of text already decoded (one rendered record, say); it has no MD5.</summary>
        private CsvRecordReader(TextReader text, string path)
        {
            _path = path; _reader = text; Encoding = StrictUtf8; Preamble = Array.Empty<byte>();
        }

        /// <summary>The one record <paramref name="text"/> holds (its line ending included), parsed as the file's would be.</summary>
        internal static (CsvRecord? First, bool More) ParseOne(string text, string path)
        {
            using var r = new CsvRecordReader(new StringReader(text), path);
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

        private CsvRecord? Read()
        {
            if (_reader.Peek() < 0) return null;
            var raw = new StringBuilder();
            var record = new CsvRecord { Start = 0, Line = _line };
            while (true)
            {
                var field = new CsvField { Start = raw.Length };
                if (_reader.Peek() == '"')
                {
                    field.Quoted = true;
                    var value = new StringBuilder();
                    raw.Append((char)_reader.Read());
                    while (true)
                    {
                        var c = _reader.Read();
                        if (c < 0) throw CsvText.Malformed(_path, record.Line, "a quoted field is never closed");
                        raw.Append((char)c);
                        if (c == '"')
                        {
                            if (_reader.Peek() == '"') { raw.Append((char)_reader.Read()); value.Append('"'); continue; }
                            break;
                        }
                        if (c == '\n') _line++;
                        value.Append((char)c);
                    }
                    var next = _reader.Peek();
                    if (next >= 0 && next != ',' && next != '\r' && next != '\n')
                        throw CsvText.Malformed(_path, _line, "a field has a stray quote (text after the closing quote)");
                    field.Value = value.ToString();
                }
                else
                {
                    int c;
                    while ((c = _reader.Peek()) >= 0 && c != ',' && c != '\r' && c != '\n')
                    {
                        if (c == '"') throw CsvText.Malformed(_path, _line, "a field has a stray quote (quotes must enclose the whole field)");
                        raw.Append((char)_reader.Read());
                    }
                    field.Value = raw.ToString(field.Start, raw.Length - field.Start);
                }
                field.Length = raw.Length - field.Start;
                record.Fields.Add(field);
                if (_reader.Peek() == ',') { raw.Append((char)_reader.Read()); continue; }
                break;
            }
            record.End = raw.Length;
            record.Text = raw.ToString();
            var end = _reader.Read();
            if (end == '\r' && _reader.Peek() == '\n') { _reader.Read(); record.Terminator = "\r\n"; }
            else if (end >= 0) record.Terminator = ((char)end).ToString();
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
