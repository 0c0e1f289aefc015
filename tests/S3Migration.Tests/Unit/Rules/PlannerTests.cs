
namespace S3Migration.Tests.Unit.Rules;

public class PlannerTests
{
    private const string Md5A = "0cc175b9c0f1b6a831c399e269772661";
    private const string Md5B = "92eb5ffee6ae2fec3ad71c777531578f";

    private static SourceObject Obj(string key, long size = 10, string etag = Md5A, string storageClass = "STANDARD") =>
        new(key, size, DateTime.UtcNow, "\"" + etag + "\"", storageClass);

    private static MigrationPlanner Planner(Action<PlanSettings>? tweak = null)
    {
        var s = new PlanSettings { SourceBucket = "media", TargetBucket = "media" };
        tweak?.Invoke(s);
        return new MigrationPlanner(s);
    }

    private static List<MigrationItem> Plan(MigrationPlanner p, params SourceObject[] objects) =>
        p.Plan(objects, objects.Where(o => o.Key.Contains('/')).Select(o => o.Key[..o.Key.IndexOf('/')]).Distinct()).ToList();

    private static MigrationItem One(List<MigrationItem> items, string key) => Assert.Single(items, i => i.SourceKey == key);

    [Fact]
    public void Person_files_are_planned_with_person_and_target()
    {
        var items = Plan(Planner(), Obj("472_Kaioxys_DarkMacro/youtube_x.mp3", 1234));
        var i = Assert.Single(items);
        Assert.Equal(MigrationItemStatus.Planned, i.Status);
        Assert.Equal(("472", "Kaioxys_DarkMacro", "472_Kaioxys_DarkMacro"), (i.RowId, i.PersonName, i.PersonDirectory));
        Assert.Equal("audio/472_Kaioxys_DarkMacro_youtube_x.mp3", i.TargetKey);
        Assert.Equal(("media", "media", 1234L), (i.SourceBucket, i.TargetBucket, i.Size));
        Assert.Equal((Md5A, Md5Source.ETag, false), (i.Md5, i.Md5Source, i.IsMultipart));
    }

    [Fact]
    public void Orphans_say_why()
    {
        var items = Plan(Planner(s => s.CsvRows = new Dictionary<string, PersonRow> { ["1"] = new("1", "A", 2) }),
            Obj("readme.txt"), Obj("1_A/"), Obj("1_A/x.mp3"), Obj("misc/notes.txt"), Obj("2_B/y.mp3"), Obj("abc_x/z.mp3"));
        Assert.Contains("root", One(items, "readme.txt").Notes);
        Assert.Contains("folder marker", One(items, "1_A/").Notes);
        Assert.Contains("does not match", One(items, "misc/notes.txt").Notes);
        Assert.Contains("no CSV row", One(items, "2_B/y.mp3").Notes);
        Assert.Equal(MigrationItemStatus.Planned, One(items, "1_A/x.mp3").Status);
        Assert.All(items.Where(i => i.SourceKey != "1_A/x.mp3"), i => Assert.Equal(MigrationItemStatus.Orphan, i.Status));
        Assert.Equal(6, items.Count);
    }

    [Fact]
    public void Each_orphan_carries_the_reason_the_planner_found_and_other_items_none()
    {
        var items = Plan(Planner(s => s.CsvRows = new Dictionary<string, PersonRow> { ["1"] = new("1", "A", 2) }),
            Obj("readme.txt"), Obj("1_A/"), Obj("1_A/x.mp3"), Obj("/x.mp3"), Obj("misc/notes.txt"), Obj("abc_x/z.mp3"), Obj("2_B/y.mp3"));
        Assert.Equal(OrphanReason.RootFile, One(items, "readme.txt").OrphanReason);
        Assert.Equal(OrphanReason.FolderMarker, One(items, "1_A/").OrphanReason);
        Assert.Equal(OrphanReason.EmptyFolderName, One(items, "/x.mp3").OrphanReason);
        Assert.Equal(OrphanReason.NotAPersonFolder, One(items, "misc/notes.txt").OrphanReason);
        Assert.Equal(OrphanReason.NotAPersonFolder, One(items, "abc_x/z.mp3").OrphanReason);
        // A pattern that matches, but whose row id is not digits, is not a person folder either.
        var loose = Plan(Planner(s => s.Persons = new PersonPattern(@"^(?<row_id>[^_]+)_(?<name>.+)$")), Obj("abc_x/z.mp3"));
        Assert.Equal(OrphanReason.NotAPersonFolder, One(loose, "abc_x/z.mp3").OrphanReason);
        Assert.Contains("not digits", One(loose, "abc_x/z.mp3").Notes);
        Assert.Equal(OrphanReason.NoCsvRow, One(items, "2_B/y.mp3").OrphanReason);
        Assert.Equal(OrphanReason.None, One(items, "1_A/x.mp3").OrphanReason);
        Assert.All(items.Where(i => i.OrphanReason != OrphanReason.None), i => Assert.Equal(MigrationItemStatus.Orphan, i.Status));
    }

    [Fact]
    public void Two_sources_that_sanitize_to_one_key_are_both_conflicts()
    {
        var items = Plan(Planner(), Obj("1_A/a b.mp3"), Obj("1_A/a+b.mp3"), Obj("1_A/c.mp3"));
        Assert.Equal(MigrationItemStatus.Conflict, One(items, "1_A/a b.mp3").Status);
        Assert.Equal(MigrationItemStatus.Conflict, One(items, "1_A/a+b.mp3").Status);
        Assert.Contains("'1_A/a+b.mp3'", One(items, "1_A/a b.mp3").Notes);
        Assert.Contains("'1_A/a b.mp3'", One(items, "1_A/a+b.mp3").Notes);
        Assert.Equal(MigrationItemStatus.Planned, One(items, "1_A/c.mp3").Status);
    }

    [Fact]
    public void Collisions_across_folders_of_one_row_id_are_found_even_when_other_people_lie_between()
    {
        // "7_Kai Oxys" and "7_Kai_Oxys" both become 7_Kai_Oxys_; "7_Kai-x" sorts between them.
        var items = Plan(Planner(), Obj("7_Kai Oxys/a.mp3"), Obj("7_Kai-x/a.mp3"), Obj("7_Kai_Oxys/a.mp3"));
        Assert.Equal(MigrationItemStatus.Conflict, One(items, "7_Kai Oxys/a.mp3").Status);
        Assert.Equal(MigrationItemStatus.Conflict, One(items, "7_Kai_Oxys/a.mp3").Status);
        Assert.Equal(MigrationItemStatus.Planned, One(items, "7_Kai-x/a.mp3").Status);
    }

    [Fact]
    public void A_folder_and_a_subfolder_that_flatten_to_one_key_conflict()
    {
        var items = Plan(Planner(), Obj("7_K/x_y.mp3"), Obj("7_K_x/y.mp3"));
        Assert.All(items, i => Assert.Equal(MigrationItemStatus.Conflict, i.Status));
    }

    [Fact]
    public void Items_leave_before_the_next_persons_objects_are_read()
    {
        var consumed = new List<string>();
        IEnumerable<SourceObject> Listing()
        {
            foreach (var k in new[] { "1_A/a.mp3", "1_A/b.mp3", "2_B/c.mp3", "3_C/d.mp3" }) { consumed.Add(k); yield return Obj(k); }
        }
        using var e = Planner().Plan(Listing(), new[] { "1_A", "2_B", "3_C" }).GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.Equal("1_A/a.mp3", e.Current.SourceKey);
        Assert.Equal(3, consumed.Count); // person 1 is released when person 2 starts, not at the end
    }

    [Fact]
    public void A_destination_with_the_same_content_is_skipped_and_different_content_is_a_conflict()
    {
        var items = Plan(Planner(s =>
            {
                s.Existing.Add("audio/1_A_same.mp3", 10, Md5A);
                s.Existing.Add("audio/1_A_other.mp3", 10, Md5B);
                s.Existing.Add("audio/1_A_bigger.mp3", 99, Md5A);
            }),
            Obj("1_A/same.mp3"), Obj("1_A/other.mp3"), Obj("1_A/bigger.mp3"), Obj("1_A/new.mp3"));
        Assert.Equal(MigrationItemStatus.Skipped, One(items, "1_A/same.mp3").Status);
        Assert.Contains("already migrated", One(items, "1_A/same.mp3").Notes);
        Assert.Equal(MigrationItemStatus.Conflict, One(items, "1_A/other.mp3").Status);
        Assert.Equal(MigrationItemStatus.Conflict, One(items, "1_A/bigger.mp3").Status);
        Assert.Contains("99 bytes", One(items, "1_A/bigger.mp3").Notes);
        Assert.Equal(MigrationItemStatus.Planned, One(items, "1_A/new.mp3").Status);
    }

    [Fact]
    public void Objects_already_in_type_folders_are_not_planned_again()
    {
        var items = Plan(Planner(), Obj("audio/1_A_x.mp3"), Obj("_unknown/1_A_y.bin"));
        Assert.All(items, i => Assert.Equal(MigrationItemStatus.Skipped, i.Status));
        Assert.All(items, i => Assert.Contains("destination layout", i.Notes));
    }

    [Fact]
    public void Type_folders_in_another_bucket_are_ordinary_orphans_there()
    {
        var items = Plan(Planner(s => s.TargetBucket = "other"), Obj("audio/1_A_x.mp3"));
        Assert.Equal(MigrationItemStatus.Orphan, Assert.Single(items).Status);
    }

    [Fact]
    public void Archived_and_multipart_objects_are_flagged()
    {
        var items = Plan(Planner(s => s.EtagsAreMd5 = true), Obj("1_A/g.mp3", storageClass: "GLACIER"), Obj("1_A/m.mp4", etag: Md5A + "-4"));
        var g = One(items, "1_A/g.mp3");
        Assert.True(g.IsArchived);
        Assert.Contains("restore", g.Notes);
        var m = One(items, "1_A/m.mp4");
        Assert.True(m.IsMultipart);
        Assert.Equal(("", Md5Source.None), (m.Md5, m.Md5Source));
    }

    [Fact]
    public void With_kms_encryption_no_etag_is_taken_as_an_md5()
    {
        var i = Assert.Single(Plan(Planner(s => s.EtagsAreMd5 = false), Obj("1_A/a.mp3")));
        Assert.Equal(Md5Source.None, i.Md5Source);
        Assert.Equal("", i.Md5);
    }

    [Fact]
    public void The_source_prefix_is_not_part_of_the_person_folder()
    {
        var p = Planner(s => s.SourcePrefix = "people");
        var items = p.Plan(new[] { Obj("people/1_A/a.mp3"), Obj("people/x.mp3") }, new[] { "1_A" }).ToList();
        Assert.Equal("audio/1_A_a.mp3", One(items, "people/1_A/a.mp3").TargetKey);
        Assert.Equal(MigrationItemStatus.Orphan, One(items, "people/x.mp3").Status);
    }

    [Fact]
    public void Csv_row_ids_match_numerically()
    {
        var items = Plan(Planner(s => s.CsvRows = new Dictionary<string, PersonRow> { [PersonPattern.NormalizeRowId("472")] = new("472", "K", 2) }),
            Obj("0472_K/a.mp3"));
        Assert.Equal(MigrationItemStatus.Planned, Assert.Single(items).Status);
    }
}

public class TrustedMd5Tests
{
    private const string Md5Shaped = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void An_SSE_KMS_source_s_ETag_taken_for_its_MD5_by_the_inventory_is_dropped()
    {
        var kms = new S3Migration.Model.ObjectFacts { ETag = Md5Shaped, Encryption = "aws:kms" };
        Assert.Equal("", S3Migration.Rules.VerificationRule.TrustedMd5(Md5Shaped, kms));
        var customerKey = new S3Migration.Model.ObjectFacts { ETag = Md5Shaped, CustomerKey = true };
        Assert.Equal("", S3Migration.Rules.VerificationRule.TrustedMd5(Md5Shaped, customerKey));
    }

    [Fact]
    public void A_computed_MD5_stays_and_a_plain_ETag_is_the_MD5()
    {
        var kms = new S3Migration.Model.ObjectFacts { ETag = Md5Shaped, Encryption = "aws:kms" };
        Assert.Equal("fedcba9876543210fedcba9876543210", S3Migration.Rules.VerificationRule.TrustedMd5("fedcba9876543210fedcba9876543210", kms));
        var plain = new S3Migration.Model.ObjectFacts { ETag = Md5Shaped, Encryption = "AES256" };
        Assert.Equal(Md5Shaped, S3Migration.Rules.VerificationRule.TrustedMd5("", plain));
        Assert.Equal(Md5Shaped, S3Migration.Rules.VerificationRule.TrustedMd5(Md5Shaped, plain));
    }
}
