using System.Text;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit.Workspace;

/// <summary>deletion_log.csv after a crash: what it records of deleted objects must survive a torn row.</summary>
public class DeletionJournalTests
{
    private static DeletionRow Deleted(string key, string reason = "") => new DeletionRow
    {
        SourcePath = "s3://media/" + key, Size = 3, SourceETag = "abc", NewPath = "s3://media/audio/x", Status = DeletionRow.Deleted,
        Reason = reason, DeletedAt = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc),
    };

    [Fact]
    public void A_row_torn_inside_a_quoted_field_does_not_hide_the_deletions_recorded_after_it()
    {
        using var dir = new TempDir();
        using (var j = DeletionJournal.Open(dir.Path)) j.Append(Deleted("1_Ann/a.mp3"));
        // A crash (power loss) in the middle of the next row, inside a quoted reason with a comma in it.
        var path = DeletionJournal.PathIn(dir.Path);
        File.AppendAllText(path, "s3://media/1_Ann/b.mp3,,audio,3,abc,s3://media/audio/b,,deleted,\"S3 answered, then", new UTF8Encoding(false));

        using (var j = DeletionJournal.Open(dir.Path)) j.Append(Deleted("1_Ann/c.mp3"));

        var outcomes = DeletionJournal.Outcomes(dir.Path);
        Assert.True(outcomes.TryGetValue("s3://media/1_Ann/a.mp3", out var a) && a.IsGone);
        Assert.True(outcomes.TryGetValue("s3://media/1_Ann/c.mp3", out var c) && c.IsGone);   // swallowed by the open quote before
        Assert.False(outcomes.ContainsKey("s3://media/1_Ann/b.mp3"));                        // the torn row is no record
    }

    [Fact]
    public void A_reason_with_a_line_break_stays_one_row()
    {
        using var dir = new TempDir();
        using (var j = DeletionJournal.Open(dir.Path))
        {
            j.Append(Deleted("1_Ann/a.mp3", "S3 said:\nSlow down\r\nthen it worked"));
            j.Append(Deleted("1_Ann/b.mp3"));
        }
        var lines = File.ReadAllLines(DeletionJournal.PathIn(dir.Path));
        Assert.Equal(3, lines.Length);   // header and two rows, one line each
        var rows = DeletionJournal.Read(dir.Path);
        Assert.Equal("S3 said: Slow down then it worked", rows[0].Reason);
    }
}
