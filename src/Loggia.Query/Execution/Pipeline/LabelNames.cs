using System.Text;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>Loki's special label names, error codes and the sanitising of extracted label names.</summary>
internal static class LabelNames
{
    /// <summary>The error label every failing stage sets.</summary>
    public const string Error = "__error__";

    /// <summary>The label carrying the error's message.</summary>
    public const string ErrorDetails = "__error_details__";

    /// <summary>Kept by <c>keep</c> as Loki does (set by metric queries that preserve errors).</summary>
    public const string PreserveError = "__preserve_error__";

    /// <summary>Suffix of a parsed label whose name is already a stream label.</summary>
    public const string DuplicateSuffix = "_extracted";

    public const string JsonParserError = "JSONParserErr";
    public const string LogfmtParserError = "LogfmtParserErr";
    public const string LabelFilterError = "LabelFilterErr";

    /// <summary>
    /// Loki's <c>sanitizeLabelKey(key, true)</c>: trims white space, prefixes <c>_</c> when the key starts with a
    /// digit and replaces every rune outside <c>[a-zA-Z0-9_]</c> with one <c>_</c>.
    /// </summary>
    public static string Sanitize(ReadOnlySpan<byte> key)
    {
        var sb = new StringBuilder(key.Length + 1);
        AppendSanitized(sb, key);
        return sb.ToString();
    }

    /// <summary>Appends the sanitised form of <paramref name="key"/> (empty when it is only white space).</summary>
    public static void AppendSanitized(StringBuilder sb, ReadOnlySpan<byte> key)
    {
        var text = Encoding.UTF8.GetString(key).AsSpan().Trim();
        if (text.IsEmpty)
        {
            return;
        }
        if (char.IsAsciiDigit(text[0]))
        {
            sb.Append('_');
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('_');
                // One replacement per rune, as Go maps runes: skip the low half of a surrogate pair.
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> is a valid Prometheus label name (<c>[a-zA-Z_][a-zA-Z0-9_]*</c>).</summary>
    public static bool IsValid(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }
        return true;
    }
}
