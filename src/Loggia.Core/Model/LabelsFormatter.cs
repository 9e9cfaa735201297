using System.Globalization;
using System.Text;

namespace Loggia.Core.Model;

/// <summary>
/// Prints label sets the way Prometheus' <c>labels.Labels.String()</c> does (Loki's canonical stream string):
/// <c>{name="value", …}</c> with each value quoted by Go's <c>strconv.Quote</c> rules.
/// </summary>
internal static class LabelsFormatter
{
    public static string Format(ReadOnlySpan<LabelPair> pairs)
    {
        if (pairs.IsEmpty)
        {
            return "{}";
        }

        var builder = new StringBuilder(pairs.Length * 16);
        builder.Append('{');
        for (int i = 0; i < pairs.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            builder.Append(pairs[i].Name).Append('=');
            AppendGoQuoted(builder, pairs[i].Value);
        }

        return builder.Append('}').ToString();
    }

    /// <summary>
    /// Go's <c>strconv.Quote</c>: <c>\a \b \f \n \r \t \v \\ \"</c> escaped; printable runes (Go's
    /// <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space) kept as they are;
    /// other control characters below 0x80 as <c>\xHH</c>, other runes as <c>\uHHHH</c> or <c>\UHHHHHHHH</c>
    /// (lower-case hex).
    /// </summary>
    public static void AppendGoQuoted(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (Rune rune in value.EnumerateRunes())
        {
            int c = rune.Value;
            switch (c)
            {
                case '"': builder.Append("\\\""); continue;
                case '\\': builder.Append("\\\\"); continue;
                case '\a': builder.Append("\\a"); continue;
                case '\b': builder.Append("\\b"); continue;
                case '\f': builder.Append("\\f"); continue;
                case '\n': builder.Append("\\n"); continue;
                case '\r': builder.Append("\\r"); continue;
                case '\t': builder.Append("\\t"); continue;
                case '\v': builder.Append("\\v"); continue;
            }

            if (IsGoPrintable(rune))
            {
                builder.Append(rune.ToString());
            }
            else if (c < ' ' || c == 0x7F)
            {
                builder.Append("\\x").Append(c.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (c < 0x10000)
            {
                builder.Append("\\u").Append(c.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\U").Append(c.ToString("x8", CultureInfo.InvariantCulture));
            }
        }

        builder.Append('"');
    }

    private static bool IsGoPrintable(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }

        // EnumerateRunes yields U+FFFD for lone surrogates; U+FFFD is a symbol and prints as itself, as in Go.
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => true,
            UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol => true,
            _ => false,
        };
    }
}
