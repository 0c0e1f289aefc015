using System.Text;
using S3Migration.Model;
using S3Migration.PeopleCsv;

namespace S3Migration.Tests.Unit.PeopleCsv;

/// <summary>
/// The streaming reader every pass of Update-OutputCsv uses reads a file as the whole-file parser (CsvText) does: the
/// same fields, quoting, raw text, line endings and line numbers, also where records straddle its 64 KB buffer or are
/// longer than it, and the same errors for a stray or unclosed quote.
/// </summary>
public class CsvRecordReaderTests
{
    private static List<CsvRecord> Stream(string text) =>
        Read(new CsvRecordReader(new MemoryStream(new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray()), "x.csv"));

    private static List<CsvRecord> Read(CsvRecordReader r)
    {
        using (r) return r.All().ToList();
    }

    [Fact]
    public void Records_read_as_the_whole_file_parser_reads_them_across_buffer_boundaries()
    {
        var sb = new StringBuilder("row_id,name,bio,url\r\n");
        for (var i = 1; i <= 4000; i++)
        {
            var bio = i % 500 == 0 ? "\"" + new string('ü', 70_000) + "\"\"q\"\"\n, end\"" : i % 3 == 0 ? "\"Zoë \"\"x\"\", a\r\nb\"" : "plain";
            var ending = i % 7 == 0 ? "\n" : i % 11 == 0 ? "\r" : "\r\n";
            sb.Append(i).Append(",Person ").Append(i).Append(',').Append(bio).Append(",s3://media/").Append(i).Append("/a.mp3").Append(ending);
            if (i % 13 == 0) sb.Append("\r\n");
        }
        sb.Append("4001,last,,\"no ending\"");
        var text = sb.ToString();
        var whole = CsvText.Parse(new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray(), "x.csv").Records;
        var streamed = Stream(text);
        Assert.Equal(whole.Count, streamed.Count);
        for (var i = 0; i < whole.Count; i++)
        {
            var (w, s) = (whole[i], streamed[i]);
            Assert.Equal((w.Line, w.Terminator, w.Blank), (s.Line, s.Terminator, s.Blank));
            Assert.Equal(text.Substring(w.Start, w.End - w.Start), s.Text);
            Assert.Equal(w.Fields.Select(f => (f.Value, f.Quoted, text.Substring(f.Start, f.Length))), s.Fields.Select(f => (f.Value, f.Quoted, s.Text!.Substring(f.Start, f.Length))));
        }
    }

    [Theory]
    [InlineData("a,b\n1,\"x\"y\n")]
    [InlineData("a,b\n1,x\"y\n")]
    [InlineData("a,b\n1,\"multi\nline\n2,3\n")]
    public void A_stray_or_unclosed_quote_is_the_same_error_as_the_whole_file_parsers(string text)
    {
        var whole = Assert.Throws<MigrationException>(() => CsvText.Parse(Encoding.UTF8.GetBytes(text), "x.csv"));
        var streamed = Assert.Throws<MigrationException>(() => Stream(text));
        Assert.Equal(whole.Message, streamed.Message);
    }
}
