using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit.PeopleCsv;

public class PeopleCsvReaderTests
{
    private static string Write(TempDir dir, string text, bool bom = false)
    {
        var path = dir.File("output.csv");
        File.WriteAllText(path, text, new System.Text.UTF8Encoding(bom));
        return path;
    }

    [Fact]
    public void Reads_row_ids_and_names_with_bom_crlf_and_quoted_fields()
    {
        using var dir = new TempDir();
        var rows = PeopleCsvReader.Read(Write(dir, "row_id,name,s3_audio_url\r\n472,\"Kaioxys, Dark\",s3://m/472_K/a.mp3\r\n9,\"multi\nline\",\r\n", bom: true));
        Assert.Equal(2, rows.Count);
        Assert.Equal("Kaioxys, Dark", rows["472"].Name);
        Assert.Equal(2, rows["472"].Line);
        Assert.Equal(3, rows["9"].Line);
    }

    [Theory]
    [InlineData("row_id,name\n1,a\n2,b,extra\n", "line 3")]
    [InlineData("row_id,name\n1,a\n1,b\n", "line 3")]
    [InlineData("row_id,name\n1,a\nx7,b\n", "line 3")]
    [InlineData("row_id,name\n1,a\n,b\n", "line 3")]
    [InlineData("id,name\n1,a\n", "no 'row_id' column")]
    [InlineData("", "line 1")]
    public void Malformed_csv_names_the_line(string text, string expected)
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<MigrationException>(() => PeopleCsvReader.Read(Write(dir, text)));
        Assert.Equal("CsvMalformed", ex.ErrorId);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void A_missing_csv_is_not_found()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<MigrationException>(() => PeopleCsvReader.Read(dir.File("nope.csv")));
        Assert.Equal(("CsvNotFound", MigrationErrorKind.NotFound), (ex.ErrorId, ex.Kind));
    }

    [Fact]
    public void The_row_id_column_can_be_named()
    {
        using var dir = new TempDir();
        var rows = PeopleCsvReader.Read(Write(dir, "ID,person_name\n5,Ada\n"), "id");
        Assert.Equal("Ada", rows["5"].Name);
    }
}
