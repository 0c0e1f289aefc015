
namespace S3Migration.Tests.Unit.Rules;

/// <summary>What the 30-day watch takes for the application's normal upload: the key Get-MigrationTargetKey gives.</summary>
public class NewUploadRuleTests
{
    private static readonly TargetKeyBuilder Builder = new(FileTypeMap.Default, "");

    private static readonly IReadOnlyDictionary<string, ISet<string>> People = new Dictionary<string, ISet<string>>
    {
        ["472"] = new HashSet<string> { "Kaioxys_DarkMacro" },
        ["102"] = new HashSet<string> { "Alan Turing", "Alan_Turing" },   // the CSV's name and the folder's
        ["7"] = new HashSet<string> { "Zoë Ä" },
    };

    private static string? Problem(string key) => NewUploadRule.Problem(key, FileTypeMap.Default, People, out _, out _);

    [Theory]
    [InlineData("472", "Kaioxys_DarkMacro", "youtube_new.mp3")]
    [InlineData("102", "Alan Turing", "talks/1990/closing words.mp4")]
    [InlineData("0102", "Alan_Turing", "notes.pdf")]
    [InlineData("7", "Zoë Ä", "bild.PNG")]
    [InlineData("472", "Kaioxys_DarkMacro", "raw.flac")]
    public void Every_key_the_builder_gives_a_known_person_is_a_new_upload(string rowId, string name, string file)
    {
        var key = Builder.Build(rowId, name, file).TargetKey;
        Assert.Null(NewUploadRule.Problem(key, FileTypeMap.Default, People, out var id, out var who));
        Assert.Equal((rowId, KeySanitizer.Sanitize(name)), (id, KeySanitizer.Sanitize(who))); // "Alan Turing" and "Alan_Turing" give one key
        Assert.Null(Problem("migrated/" + key)); // under a destination prefix too
    }

    [Theory]
    [InlineData("audio/472_Kaioxys_DarkMacro_slides.pdf", "belongs in the type folder 'documents'")]
    [InlineData("audio/new-upload.mp3", "{row_id}_{name}_")]
    [InlineData("audio/9_Stranger_x.mp3", "row_id 9 is no person")]
    [InlineData("audio/472_Someone_Else_x.mp3", "'472_Kaioxys_DarkMacro_'")]
    [InlineData("audio/472_Kaioxys_DarkMacro_with space.mp3", "characters the naming rule replaces")]
    [InlineData("audio/472_Kaioxys_DarkMacro_", "belongs in the type folder '_unknown'")]
    [InlineData("loose.mp3", "not in a type folder")]
    public void A_key_that_follows_no_rule_says_what_is_wrong(string key, string why) =>
        Assert.Contains(why, Problem(key));
}
