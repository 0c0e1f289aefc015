using System.Globalization;
using System.Text;

namespace S3Migration.Rules
{
    /// <summary>
    /// The one sanitizing rule for target key segments (README, "Naming rules"):
    /// 1. normalize to Unicode NFC, so a name typed as NFD and one typed as NFC give the same key;
    /// 2. keep letters and digits of any script with their combining marks (Mn, Mc), '-', '_' and '.';
    /// 3. replace every run of other characters (spaces, tabs, '+', '#', '%', '?', '/', emoji, punctuation) by one '_'.
    /// The rule is deterministic and idempotent: sanitizing a sanitized segment changes nothing.
    /// </summary>
    public static class KeySanitizer
    {
        public static string Sanitize(string segment)
        {
            var text = segment.Normalize(NormalizationForm.FormC);
            var sb = new StringBuilder(text.Length);
            var inRun = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                bool keep;
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    // Astral letters (e.g. historic scripts) are kept; astral symbols such as emoji are not.
                    var cat = CharUnicodeInfo.GetUnicodeCategory(text, i);
                    keep = IsKeptCategory(cat);
                    if (keep) { sb.Append(c).Append(text[i + 1]); inRun = false; }
                    else if (!inRun) { sb.Append('_'); inRun = true; }
                    i++;
                    continue;
                }
                keep = c == '-' || c == '_' || c == '.' || (!char.IsSurrogate(c) && IsKeptCategory(CharUnicodeInfo.GetUnicodeCategory(c)));
                if (keep) { sb.Append(c); inRun = false; }
                else if (!inRun) { sb.Append('_'); inRun = true; }
            }
            return sb.ToString();
        }

        private static bool IsKeptCategory(UnicodeCategory cat) => cat switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
                // Combining marks that NFC could not compose (e.g. Devanagari vowel signs) belong to their letter.
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark => true,
            _ => false,
        };
    }
}
