using System.Globalization;
using System.Text.RegularExpressions;

namespace Loggia.Query.Detection;

/// <summary>
/// Loki's type inference for detected fields, tried in its order: <c>int</c> (Go <c>ParseInt</c>), <c>float</c>
/// (<c>ParseFloat</c>), <c>boolean</c> (<c>ParseBool</c>), <c>duration</c> (<c>time.ParseDuration</c>),
/// <c>bytes</c> (<c>humanize.ParseBytes</c>), otherwise <c>string</c>.
/// </summary>
public static partial class DetectedFieldType
{
    /// <summary>The type name Loki reports for <paramref name="value"/>.</summary>
    public static string Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            return "int";
        }

        if (IsGoFloat(value))
        {
            return "float";
        }

        if (value is "1" or "t" or "T" or "TRUE" or "true" or "True" or "0" or "f" or "F" or "FALSE" or "false" or "False")
        {
            return "boolean";
        }

        if (GoDuration().IsMatch(value))
        {
            return "duration";
        }

        return HumanBytes().IsMatch(value) ? "bytes" : "string";
    }

    private static bool IsGoFloat(string value)
    {
        var lower = value.TrimStart('+', '-').ToUpperInvariant();
        return lower is "INF" or "INFINITY" or "NAN"
            || (FloatSyntax().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
    }

    [GeneratedRegex(@"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex FloatSyntax();

    /// <summary><c>0</c>, or a signed sequence of decimal numbers each with a unit (ns, us, µs, ms, s, m, h).</summary>
    [GeneratedRegex(@"^[+-]?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$")]
    private static partial Regex GoDuration();

    /// <summary>A number with an optional space and a SI or IEC byte unit (go-humanize), case-insensitive.</summary>
    [GeneratedRegex(@"^(\d+\.?\d*|\.\d+) ?([kmgtpez]i?b?|b|byte|bytes)?$", RegexOptions.IgnoreCase)]
    private static partial Regex HumanBytes();
}
