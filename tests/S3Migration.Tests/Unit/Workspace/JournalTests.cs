using System.Text;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit.Workspace;

public class JournalTests
{
    private static JournalRow Row(string key, string status = JournalRow.Verified) => new()
    {
        RowId = "1", PersonName = "Ann, \"the\" first", OldPath = "s3://b/" + key, NewPath = "s3://b/audio/1_Ann_x.mp3", FileType = "audio",
        Size = 5, Md5 = "abc", Timestamp = DateTime.UtcNow, VerificationStatus = status, Error = status == JournalRow.Verified ? "" : "line1\nline2",
        DestinationETag = "abc", Attempts = 1,
    };

    [Fact]
    public void Every_row_reads_back_as_written_across_read_buffers_long_fields_and_repeated_values()
    {
        // The reader parses from a 64 KB buffer and reuses the string of a value that repeats from the row before: rows
        // that straddle the buffer, a field longer than it, non-ASCII text and values that change back and forth must
        // all come back exactly.
        using var dir = new TempDir();
        var written = new List<JournalRow>();
        using (var j = MigrationJournal.Open(dir.Path))
            for (var i = 0; i < 3000; i++)
            {
                var r = Row($"{i % 7}_Zoë/é \"{i}\",x.mp3", i % 3 == 0 ? JournalRow.Failed : JournalRow.Verified);
                r.RowId = (i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (i == 1500) r.Error = "long, \"quoted\"\r\n" + new string('ü', 100_000) + "\nend";
                j.Append(r);
                written.Add(r);
            }
        var rows = JournalReader.ReadFile(dir.File(MigrationJournal.FileName));
        Assert.Equal(written.Select(r => (r.RowId, r.OldPath, r.VerificationStatus, r.Error, r.PersonName)),
            rows.Select(r => (r.RowId, r.OldPath, r.VerificationStatus, r.Error, r.PersonName)));
    }

    [Fact]
    public void The_header_has_the_plans_columns_in_the_plans_order_first()
    {
        using var dir = new TempDir();
        using (var j = MigrationJournal.Open(dir.Path)) j.Append(Row("1_Ann/a.mp3"));
        var header = File.ReadAllLines(dir.File(MigrationJournal.FileName))[0];
        Assert.StartsWith("row_id,person_name,old_s3_path,new_s3_path,file_type,file_size,md5_hash,copy_timestamp,verification_status,error_message", header);
    }

    [Fact]
    public void Rows_with_commas_quotes_and_newlines_round_trip_and_reopening_appends()
    {
        using var dir = new TempDir();
        using (var j = MigrationJournal.Open(dir.Path)) { j.Append(Row("1_Ann/a,b.mp3")); j.Append(Row("1_Ann/\"q\"\nnl.mp3", JournalRow.Failed)); }
        using (var j = MigrationJournal.Open(dir.Path))
        {
            Assert.Equal(2, j.EarlierRows);
            Assert.Equal(0, j.TornBytes);
            Assert.True(j.Verified.ContainsKey("s3://b/1_Ann/a,b.mp3"));
            j.Append(Row("1_Ann/c.mp3"));
        }
        var rows = JournalReader.ReadFile(dir.File(MigrationJournal.FileName));
        Assert.Equal(new[] { "s3://b/1_Ann/a,b.mp3", "s3://b/1_Ann/\"q\"\nnl.mp3", "s3://b/1_Ann/c.mp3" }, rows.Select(r => r.OldPath));
        Assert.Equal("line1\nline2", rows[1].Error);
        Assert.Equal("Ann, \"the\" first", rows[0].PersonName);
    }

    [Theory]
    [InlineData("1,Ann,\"s3://b/1_Ann/torn")]       // cut inside a quoted field
    [InlineData("1,Ann,s3://b/1_Ann/x.mp3,s3://b/a")] // cut between fields
    [InlineData("1,Ann,s3://b/1_Ann/x.mp3,s3://b/audio/1_Ann_x.mp3,audio,5,abc,2026-11-24T00:00:00Z,verified,,abc,abc,,etag,1,0,10,Verified")] // no newline yet
    public void A_row_torn_by_a_crash_is_cut_off_and_never_read_as_data(string torn)
    {
        using var dir = new TempDir();
        using (var j = MigrationJournal.Open(dir.Path)) j.Append(Row("1_Ann/a.mp3"));
        File.AppendAllText(dir.File(MigrationJournal.FileName), torn, new UTF8Encoding(false));
        using (var j = MigrationJournal.Open(dir.Path))
        {
            Assert.Equal(Encoding.UTF8.GetByteCount(torn), j.TornBytes);
            Assert.Equal(1, j.EarlierRows);
            j.Append(Row("1_Ann/b.mp3"));
        }
        var rows = JournalReader.ReadFile(dir.File(MigrationJournal.FileName));
        Assert.Equal(new[] { "s3://b/1_Ann/a.mp3", "s3://b/1_Ann/b.mp3" }, rows.Select(r => r.OldPath));
    }

    [Fact]
    public void A_damaged_row_with_rows_after_it_is_refused_and_nothing_is_cut()
    {
        using var dir = new TempDir();
        using (var j = MigrationJournal.Open(dir.Path)) { j.Append(Row("1_Ann/a.mp3")); j.Append(Row("1_Ann/b.mp3")); j.Append(Row("1_Ann/c.mp3")); j.Append(Row("1_Ann/d.mp3")); }
        var path = dir.File(MigrationJournal.FileName);
        var lines = File.ReadAllText(path).Split('\n').ToList();
        lines[2] = "1,Ann,edited by hand";   // the second row loses its other columns
        File.WriteAllText(path, string.Join("\n", lines));
        var before = File.ReadAllBytes(path);
        var ex = Assert.Throws<InvalidDataException>(() => MigrationJournal.Open(dir.Path).Dispose());
        Assert.Contains("row 2", ex.Message);
        Assert.True(before.SequenceEqual(File.ReadAllBytes(path)), "the journal was changed");
    }

    [Fact]
    public void A_file_that_is_not_a_journal_is_refused()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File(MigrationJournal.FileName), "name,age\nAnn,3\n");
        Assert.Throws<InvalidDataException>(() => MigrationJournal.Open(dir.Path));
        Assert.Equal("name,age\nAnn,3\n", File.ReadAllText(dir.File(MigrationJournal.FileName))); // left as it was
    }

    [Fact]
    public void A_second_writer_on_the_same_workspace_is_refused()
    {
        using var dir = new TempDir();
        using var first = MigrationJournal.Open(dir.Path);
        Assert.Throws<IOException>(() => MigrationJournal.Open(dir.Path));
    }
}
