using System.Collections.Generic;
using System.Linq;

namespace S3Migration.Model
{
    /// <summary>
    /// One URL of a people CSV that names an object of interest: where it stands and what it names. A noun of its own
    /// (PeopleCsv finds them, the gates read them), so the gates need not know how a CSV is read.
    /// </summary>
    public sealed class CsvUrlReference
    {
        /// <summary>The CSV line the row starts on, counting the header as line 1.</summary>
        public int Line { get; set; }
        public string Column { get; set; } = "";
        /// <summary>The URL as the cell spells it, without a query string (a signed URL's signature never reaches a message).</summary>
        public string Url { get; set; } = "";
        public string Bucket { get; set; } = "";
        public string Key { get; set; } = "";
        /// <summary>s3://bucket/key of the object named.</summary>
        public string ObjectPath => Names().ToString();
        /// <summary>The object named, as a value.</summary>
        public S3Location Names() => new S3Location(Bucket, Key);
        public override string ToString() => $"line {Line}, {Column}: {Url}";

        /// <summary>"line 2, s3_audio_url; line 5, extra" for the references to one object.</summary>
        public static string Places(IEnumerable<CsvUrlReference> references) =>
            string.Join("; ", references.Select(r => $"line {r.Line}, {r.Column}"));
    }
}
