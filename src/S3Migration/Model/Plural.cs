using System.Globalization;

namespace S3Migration.Model
{
    /// <summary>A count with its noun, singular for one: "1 failure", "2 failures", "0 failures".</summary>
    public static class Plural
    {
        public static string Of(long n, string one, string? many = null) =>
            n.ToString(CultureInfo.InvariantCulture) + " " + Noun(n, one, many);

        /// <summary>With thousands separators, for progress and totals: "1 object", "12,345 objects".</summary>
        public static string Grouped(long n, string one, string? many = null) =>
            n.ToString("N0", CultureInfo.InvariantCulture) + " " + Noun(n, one, many);

        /// <summary>The noun alone, for a count written another way: "1 of 1 item", "0 of 60 items".</summary>
        public static string Noun(long n, string one, string? many = null) => n == 1 ? one : many ?? one + "s";
    }
}
