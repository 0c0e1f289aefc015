using System.Globalization;

namespace S3Migration.Model
{
    /// <summary>A count with its noun, singular for one: "1 failure", "2 failures", "0 failures".</summary>
    public static class Plural
    {
        public static string Of(long n, string one, string? many = null) =>
            n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many ?? one + "s");
    }
}
