using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using S3Migration.Tests.Infrastructure;

namespace S3Migration.Tests.Unit;

/// <summary>
/// ConvertTo-Json of any output object gives enum names without -EnumsAsStrings: PowerShell serializes with
/// Newtonsoft.Json, which honours [JsonConverter(typeof(StringEnumConverter))] on an enum type. An enum added without
/// it would come out as a number ("Status": 1). The engine compiles against Newtonsoft.Json and takes PowerShell's own
/// copy at run time, so none may be shipped in bin/deps/ (a second copy would be a second, unrelated attribute type).
/// </summary>
public class EnumNameTests
{
    [Fact]
    public void Every_public_enum_of_the_engine_serializes_by_name()
    {
        var enums = typeof(MigrationResult).Assembly.GetExportedTypes().Where(t => t.IsEnum).ToList();
        Assert.True(enums.Count >= 15, "public enums found: " + enums.Count);
        var without = enums.Where(t => !t.GetCustomAttributes(typeof(JsonConverterAttribute), false).OfType<JsonConverterAttribute>()
            .Any(a => a.ConverterType == typeof(StringEnumConverter))).Select(t => t.FullName).ToList();
        Assert.True(without.Count == 0, "enums without [JsonConverter(typeof(StringEnumConverter))]: " + string.Join(", ", without));
    }

    [Fact]
    public void Newtonsoft_writes_the_status_of_a_result_by_name()
    {
        // The engine's attribute, read by the same Newtonsoft.Json that PowerShell carries (here through the SMA package).
        var json = JsonConvert.SerializeObject(new { Status = MigrationResultStatus.Failed, Reason = FailureReason.SourceArchived });
        Assert.Equal("""{"Status":"Failed","Reason":"SourceArchived"}""", json);
    }

    [Fact]
    public void The_module_ships_no_Newtonsoft_of_its_own()
    {
        var bin = Path.Combine(RepoPaths.Root, "bin");
        Assert.Empty(Directory.EnumerateFiles(bin, "Newtonsoft*.dll", SearchOption.AllDirectories));
        Assert.DoesNotContain("Newtonsoft", File.ReadAllText(Path.Combine(bin, "deps", "S3Migration.Engine.deps.json")));
    }
}
