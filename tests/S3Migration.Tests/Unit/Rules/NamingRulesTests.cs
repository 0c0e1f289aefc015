using System.Collections;
using System.Text;

namespace S3Migration.Tests.Unit.Rules;

public class NamingRulesTests
{
    private static readonly TargetKeyBuilder Builder = new(FileTypeMap.Default, "");

    [Fact]
    public void The_plans_example_gets_the_plans_key()
    {
        var t = Builder.Build("472", "Kaioxys_DarkMacro", "youtube_69XL3TrD6mE.mp3");
        Assert.Equal("audio", t.FileType);
        Assert.Equal("audio/472_Kaioxys_DarkMacro_youtube_69XL3TrD6mE.mp3", t.TargetKey);
        Assert.False(t.Truncated);
    }

    [Theory]
    [InlineData("a.mp3", "audio"), InlineData("a.M4A", "audio"), InlineData("a.mp4", "video"), InlineData("a.WebM", "video")]
    [InlineData("a.pdf", "documents"), InlineData("a.doc", "documents"), InlineData("a.DOCX", "documents")]
    [InlineData("a.srt", "transcripts"), InlineData("a.vtt", "transcripts"), InlineData("a.jpg", "images"), InlineData("a.PNG", "images")]
    [InlineData("a.flac", "_unknown"), InlineData("README", "_unknown"), InlineData(".mp3", "_unknown"), InlineData("a.", "_unknown")]
    [InlineData("archive.tar.mp3", "audio"), InlineData("sub/dir/clip.mp4", "video"), InlineData("dir.mp3/file", "_unknown")]
    public void File_type_comes_from_the_last_extension_case_insensitively(string file, string type) =>
        Assert.Equal(type, FileTypeMap.Default.Classify(file));

    [Fact]
    public void Upper_case_extensions_classify_and_keep_their_case_in_the_key()
    {
        var t = Builder.Build("1", "A", "SONG.MP3");
        Assert.Equal("audio/1_A_SONG.MP3", t.TargetKey);
    }

    [Fact]
    public void No_extension_and_dotfiles_go_to_unknown_with_their_name_kept()
    {
        Assert.Equal("_unknown/1_A_Makefile", Builder.Build("1", "A", "Makefile").TargetKey);
        Assert.Equal("_unknown/1_A_.env", Builder.Build("1", "A", ".env").TargetKey);
    }

    [Fact]
    public void Nested_subfolders_become_part_of_the_name()
    {
        Assert.Equal("video/1_A_2023_talks_intro.mp4", Builder.Build("1", "A", "2023/talks/intro.mp4").TargetKey);
    }

    [Theory]
    [InlineData("my song.mp3", "1_A_my_song.mp3")]
    [InlineData("a+b.mp3", "1_A_a_b.mp3")]
    [InlineData("a#b%c?d.mp3", "1_A_a_b_c_d.mp3")]
    [InlineData("tab\there.mp3", "1_A_tab_here.mp3")]
    [InlineData("a  + #b.mp3", "1_A_a_b.mp3")]
    [InlineData("party🎉time.mp3", "1_A_party_time.mp3")]
    [InlineData("日本語の歌.mp3", "1_A_日本語の歌.mp3")]
    [InlineData("Straße-Ünïcødé.mp3", "1_A_Straße-Ünïcødé.mp3")]
    public void Special_characters_are_sanitized_by_one_rule(string file, string name) =>
        Assert.Equal("audio/" + name, Builder.Build("1", "A", file).TargetKey);

    [Fact]
    public void Nfc_and_nfd_spellings_of_a_name_give_the_same_key()
    {
        var nfc = "Jos\u00e9".Normalize(NormalizationForm.FormC);
        var nfd = "Jos\u00e9".Normalize(NormalizationForm.FormD);
        Assert.NotEqual(nfc, nfd);
        var a = Builder.Build("7", nfc, "caf\u00e9.mp3").TargetKey;
        var b = Builder.Build("7", nfd, "cafe\u0301.mp3").TargetKey;
        Assert.Equal(a, b);
        Assert.Equal("audio/7_José_café.mp3".Normalize(NormalizationForm.FormC), a);
    }

    [Fact]
    public void Sanitizing_is_idempotent()
    {
        foreach (var s in new[] { "a b", "x+y#z", "🎉🎉", "Ünï cødé", "a__b" })
            Assert.Equal(KeySanitizer.Sanitize(s), KeySanitizer.Sanitize(KeySanitizer.Sanitize(s)));
    }

    [Fact]
    public void Names_too_long_for_s3_are_cut_keeping_the_extension_and_stay_unique()
    {
        var longA = new string('a', 1100) + "-one.mp3";
        var longB = new string('a', 1100) + "-two.mp3";
        var a = Builder.Build("472", "Kaioxys", longA);
        var b = Builder.Build("472", "Kaioxys", longB);
        Assert.True(a.Truncated);
        Assert.True(Encoding.UTF8.GetByteCount(a.TargetKey) <= 1024);
        Assert.True(Encoding.UTF8.GetByteCount(b.TargetKey) <= 1024);
        Assert.EndsWith(".mp3", a.TargetKey);
        Assert.StartsWith("audio/472_Kaioxys_aaaa", a.TargetKey);
        Assert.NotEqual(a.TargetKey, b.TargetKey);
        Assert.Equal(a.TargetKey, Builder.Build("472", "Kaioxys", longA).TargetKey);
    }

    [Fact]
    public void Truncation_never_splits_a_multibyte_character()
    {
        var t = Builder.Build("1", "A", string.Concat(Enumerable.Repeat("日", 400)) + ".pdf");
        Assert.True(Encoding.UTF8.GetByteCount(t.TargetKey) <= 1024);
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(t.TargetKey)));
        Assert.EndsWith(".pdf", t.TargetKey);
    }

    [Fact]
    public void A_key_that_fits_exactly_is_not_cut()
    {
        var file = new string('x', 1024 - "audio/1_A_".Length - ".mp3".Length) + ".mp3";
        var t = Builder.Build("1", "A", file);
        Assert.False(t.Truncated);
        Assert.Equal(1024, Encoding.UTF8.GetByteCount(t.TargetKey));
    }

    [Fact]
    public void The_destination_prefix_is_normalized_and_counted_in_the_limit()
    {
        var b = new TargetKeyBuilder(FileTypeMap.Default, "/migrated");
        Assert.Equal("migrated/audio/1_A_x.mp3", b.Build("1", "A", "x.mp3").TargetKey);
        var t = b.Build("1", "A", new string('y', 1100) + ".mp3");
        Assert.True(Encoding.UTF8.GetByteCount(t.TargetKey) <= 1024);
    }

    [Fact]
    public void Operators_can_add_and_override_file_types()
    {
        var map = FileTypeMap.Create(new Hashtable { [".flac"] = "audio", ["TXT"] = "documents", [".mp4"] = "audio" });
        Assert.Equal("audio", map.Classify("a.FLAC"));
        Assert.Equal("documents", map.Classify("notes.txt"));
        Assert.Equal("audio", map.Classify("talk.mp4"));
        Assert.Equal("video", map.Classify("talk.webm"));
        Assert.Contains("documents", map.Folders);
    }

    [Theory]
    [InlineData(".x", "a/b"), InlineData(".x", ""), InlineData(".x", ".."), InlineData(".x", "my folder"), InlineData("", "audio"), InlineData(".tar.gz", "archives")]
    public void Unsafe_file_type_mappings_are_refused(string ext, string folder) =>
        Assert.Throws<ArgumentException>(() => FileTypeMap.Create(new Hashtable { [ext] = folder }));

    [Fact]
    public void Person_pattern_needs_both_named_groups()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PersonPattern(@"^(\d+)_(.+)$"));
        Assert.Contains("row_id", ex.Message);
        Assert.Throws<ArgumentException>(() => new PersonPattern("(?<row_id>"));
    }

    [Theory]
    [InlineData("472_Kaioxys_DarkMacro", true, "472", "Kaioxys_DarkMacro")]
    [InlineData("472_", false, "", "")]
    [InlineData("misc", false, "", "")]
    [InlineData("_472_x", false, "", "")]
    public void Default_person_pattern(string folder, bool ok, string rowId, string name)
    {
        var p = new PersonPattern();
        Assert.Equal(ok, p.TryParse(folder, out var r, out var n, out var why));
        if (ok) { Assert.Equal(rowId, r); Assert.Equal(name, n); }
        else Assert.Contains(folder, why);
    }

    [Fact]
    public void A_custom_pattern_whose_row_id_is_not_digits_does_not_make_a_person()
    {
        var p = new PersonPattern(@"^(?<name>[a-z]+)-(?<row_id>\w+)$");
        Assert.True(p.TryParse("ada-12", out var r, out var n, out _));
        Assert.Equal(("12", "ada"), (r, n));
        Assert.False(p.TryParse("ada-x1", out _, out _, out var why));
        Assert.Contains("not digits", why);
    }

    [Theory]
    [InlineData("\"d41d8cd98f00b204e9800998ecf8427e\"", true, false, 0)]
    [InlineData("d41d8cd98f00b204e9800998ecf8427e-3", false, true, 3)]
    [InlineData("\"D41D8CD98F00B204E9800998ECF8427E\"", true, false, 0)]
    [InlineData("", false, false, 0)]
    public void Etag_shapes(string etag, bool md5, bool multipart, int parts)
    {
        Assert.Equal(md5, ETag.LooksLikeMd5(etag));
        Assert.Equal(multipart, ETag.IsMultipart(etag));
        Assert.Equal(parts, ETag.PartCount(etag));
    }
}
