using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using S3Migration.Model;

namespace S3Migration.PeopleCsv
{
    /// <summary>One field of a record: where its raw text stands in the document, and its value.</summary>
    public sealed class CsvField
    {
        public int Start { get; set; }
        public int Length { get; set; }
        public bool Quoted { get; set; }
        public string Value { get; set; } = "";
    }

    /// <summary>One record (a header or a data row), its fields, and the line ending that closed it ("" at the end of a file without one).</summary>
    public sealed class CsvRecord
    {
        public List<CsvField> Fields { get; } = new List<CsvField>();
        public int Start { get; set; }
        /// <summary>Where the record's text ends, before its line ending.</summary>
        public int End { get; set; }
        public string Terminator { get; set; } = "";
        /// <summary>The record's own raw text when read by <see cref="CsvRecordReader"/> (its offsets count from it); null in a whole <see cref="CsvText"/>.</summary>
        public string? Text { get; set; }
        /// <summary>The line the record starts on, counting from 1.</summary>
        public int Line { get; set; }
        /// <summary>An empty line: kept as it is, but not a row.</summary>
        public bool Blank => Fields.Count == 1 && Fields[0].Length == 0;
    }

    /// <summary>
    /// A CSV file read so that it can be written back byte for byte: the encoding and BOM it came in, every record's
    /// raw text span and line ending. A rewrite changes only the fields it names; everything else is copied from the
    /// original text, so quoting, embedded commas, quotes and newlines, CRLF or LF, and the BOM all survive.
    /// Strict as <see cref="PeopleCsvReader"/> is: a stray quote is an error that names its line.
    /// </summary>
    public sealed class CsvText
    {
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);

        private CsvText(string path, Encoding encoding, byte[] preamble, string text, List<CsvRecord> records)
        {
            Path = path; Encoding = encoding; Preamble = preamble; Text = text; Records = records;
        }

        public string Path { get; }
        public Encoding Encoding { get; }
        /// <summary>The BOM the file started with, or none.</summary>
        public byte[] Preamble { get; }
        public string Text { get; }
        /// <summary>Every record, the header first, blank lines included (see <see cref="CsvRecord.Blank"/>).</summary>
        public List<CsvRecord> Records { get; }
        public CsvRecord Header => Records[0];
        public IEnumerable<CsvRecord> Rows => Records.Skip(1).Where(r => !r.Blank);

        public string Raw(CsvField f) => Text.Substring(f.Start, f.Length);

        /// <summary>The text with its encoding and BOM, as bytes for a file.</summary>
        public byte[] Encode(string text)
        {
            var bytes = new byte[Preamble.Length + Encoding.GetByteCount(text)];
            Buffer.BlockCopy(Preamble, 0, bytes, 0, Preamble.Length);
            Encoding.GetBytes(text, 0, text.Length, bytes, Preamble.Length);
            return bytes;
        }

        public static CsvText Parse(byte[] bytes, string path)
        {
            Encoding encoding;
            byte[] preamble;
            if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) { encoding = StrictUtf8; preamble = new byte[] { 0xEF, 0xBB, 0xBF }; }
            else if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE) { encoding = new UnicodeEncoding(false, false, true); preamble = new byte[] { 0xFF, 0xFE }; }
            else if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF) { encoding = new UnicodeEncoding(true, false, true); preamble = new byte[] { 0xFE, 0xFF }; }
            else { encoding = StrictUtf8; preamble = Array.Empty<byte>(); }
            string text;
            try { text = encoding.GetString(bytes, preamble.Length, bytes.Length - preamble.Length); }
            catch (DecoderFallbackException ex)
            {
                throw new MigrationException("CsvEncoding", MigrationErrorKind.InvalidData,
                    $"The people CSV '{path}' is not valid UTF-8 (or UTF-16 with a BOM) near byte {ex.Index}; save it as UTF-8 and try again. It was left as it is.", ex, path);
            }
            var records = Tokenize(text, path);
            if (records.Count == 0 || records[0].Blank)
                throw Malformed(path, 1, "it is empty; the first line must be a header");
            var width = records[0].Fields.Count;
            foreach (var r in records.Skip(1).Where(r => !r.Blank && r.Fields.Count != width))
                throw Malformed(path, r.Line, $"the row has {r.Fields.Count} fields but the header has {width}");
            return new CsvText(path, encoding, preamble, text, records);
        }

        private static List<CsvRecord> Tokenize(string text, string path)
        {
            var records = new List<CsvRecord>();
            var i = 0;
            var line = 1;
            while (i < text.Length)
            {
                var record = new CsvRecord { Start = i, Line = line };
                while (true)
                {
                    var field = new CsvField { Start = i };
                    if (i < text.Length && text[i] == '"')
                    {
                        field.Quoted = true;
                        var value = new StringBuilder();
                        i++;
                        while (true)
                        {
                            if (i >= text.Length) throw Malformed(path, record.Line, "a quoted field is never closed");
                            var c = text[i];
                            if (c == '"')
                            {
                                if (i + 1 < text.Length && text[i + 1] == '"') { value.Append('"'); i += 2; continue; }
                                i++;
                                break;
                            }
                            if (c == '\n') line++;
                            value.Append(c);
                            i++;
                        }
                        if (i < text.Length && text[i] != ',' && text[i] != '\r' && text[i] != '\n')
                            throw Malformed(path, line, "a field has a stray quote (text after the closing quote)");
                        field.Value = value.ToString();
                    }
                    else
                    {
                        while (i < text.Length && text[i] != ',' && text[i] != '\r' && text[i] != '\n')
                        {
                            if (text[i] == '"') throw Malformed(path, line, "a field has a stray quote (quotes must enclose the whole field)");
                            i++;
                        }
                        field.Value = text.Substring(field.Start, i - field.Start);
                    }
                    field.Length = i - field.Start;
                    record.Fields.Add(field);
                    if (i < text.Length && text[i] == ',') { i++; continue; }
                    break;
                }
                record.End = i;
                if (i < text.Length && text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { record.Terminator = "\r\n"; i += 2; }
                else if (i < text.Length) { record.Terminator = text[i].ToString(); i++; }
                line++;
                records.Add(record);
            }
            return records;
        }

        /// <summary>A value as a field: quoted when it must be (or when the field it replaces was), quotes doubled.</summary>
        public static string Format(string value, bool quote)
        {
            if (quote || value.IndexOfAny(new[] { ',', '"', '\r', '\n' }) >= 0)
                return "\"" + value.Replace("\"", "\"\"") + "\"";
            return value;
        }

        /// <summary>
        /// The error for a people CSV path that is no file: a folder is named as one (CsvPathIsFolder), anything else
        /// does not exist (CsvNotFound). <paramref name="more"/> follows as a sentence of its own.
        /// </summary>
        public static MigrationException NotAFile(string path, string parameter, string more = "")
        {
            var tail = more.Length > 0 ? " " + more : "";
            return Directory.Exists(path)
                ? new MigrationException("CsvPathIsFolder", MigrationErrorKind.InvalidArgument,
                    $"The people CSV '{path}' is a folder, not a file. Check {parameter}: give the CSV file itself, such as '{System.IO.Path.Combine(path, "output.csv")}'.{tail}", target: path)
                : new MigrationException("CsvNotFound", MigrationErrorKind.NotFound, $"The people CSV '{path}' does not exist. Check {parameter}.{tail}", target: path);
        }

        /// <summary>The file's bytes, read while holding a shared lock, so a writer that locks the file is noticed.</summary>
        public static byte[] ReadLocked(string path) => Locked(path, s =>
        {
            var bytes = new byte[s.Length];
            var read = 0;
            while (read < bytes.Length)
            {
                var n = s.Read(bytes, read, bytes.Length - read);
                if (n == 0) break;
                read += n;
            }
            return read == bytes.Length ? bytes : bytes.Take(read).ToArray();
        });

        /// <summary>The file opened for reading under a shared lock (as <see cref="ReadLocked"/>), to be read as a stream.</summary>
        public static Stream OpenLocked(string path) => Locked(path, s => (Stream)s, dispose: false);

        /// <summary>
        /// Runs <paramref name="use"/> on the file opened under a shared lock, with the errors of a locked or unreadable CSV.
        /// </summary>
        public static T Locked<T>(string path, Func<FileStream, T> use, bool dispose = true)
        {
            if (!File.Exists(path))
                throw NotAFile(path, "-Path");
            FileStream? stream = null;
            try
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                return use(stream);
            }
            catch (IOException ex)
            {
                stream?.Dispose();
                stream = null;
                throw new MigrationException("CsvLocked", MigrationErrorKind.ResourceUnavailable,
                    $"The people CSV '{path}' could not be opened ({ex.Message}); another program may hold it open for writing. Close it and try again. It was left as it is.", ex, path);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new MigrationException("CsvUnreadable", MigrationErrorKind.PermissionDenied, $"The people CSV '{path}' could not be read: {ex.Message}", ex, path);
            }
            finally { if (dispose) stream?.Dispose(); }
        }

        internal static MigrationException Malformed(string path, int line, string why) =>
            new MigrationException("CsvMalformed", MigrationErrorKind.InvalidData, $"The people CSV '{path}' is malformed at line {line}: {why}. It was left as it is.", target: path);
    }
}
