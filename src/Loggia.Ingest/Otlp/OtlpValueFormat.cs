using System.Globalization;
using System.Text;

namespace Loggia.Ingest.Otlp;

/// <summary>
/// Renders OpenTelemetry <c>AnyValue</c>s as text the way Loki does (pdata's <c>Value.AsString</c>): strings as they
/// are, integers in decimal, booleans as <c>true</c>/<c>false</c>, doubles in ECMAScript style (as Go's JSON),
/// bytes in standard base64, and arrays and key/value lists as JSON (keys sorted, HTML characters escaped).
/// </summary>
/// <remarks>
/// Complex values (arrays, key/value lists) are rare and take a slow path: the decoders build them as a small tree
/// of <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, <see cref="byte"/>[],
/// <see cref="List{T}"/> of values (array), <see cref="List{T}"/> of <see cref="KeyValuePair{TKey, TValue}"/>
/// (key/value list) and <see langword="null"/> (an empty value), and <see cref="ToJson"/> prints it.
/// </remarks>
public static class OtlpValueFormat
{
    /// <summary>A boolean as Go prints it.</summary>
    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A double as pdata's <c>AsString</c> prints it (ECMAScript number formatting; NaN and infinities as Go's JSON error text).</summary>
    public static string Double(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            string g = double.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
            return "json: unsupported value: " + g;
        }

        var builder = new StringBuilder(24);
        AppendNumber(builder, value);
        return builder.ToString();
    }

    /// <summary>Renders a complex value tree (see the remarks) as Go's <c>json.Marshal</c> would.</summary>
    public static string ToJson(object? value)
    {
        var builder = new StringBuilder(64);
        AppendJson(builder, value, depth: 0);
        return builder.ToString();
    }

    /// <summary>Lower-case hexadecimal, as Go's <c>hex.EncodeToString</c>.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static void AppendJson(StringBuilder builder, object? value, int depth)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case string text:
                AppendJsonString(builder, text);
                break;
            case long number:
                builder.Append(number.ToString(CultureInfo.InvariantCulture));
                break;
            case double number:
                if (double.IsNaN(number) || double.IsInfinity(number))
                {
                    builder.Append("null");
                }
                else
                {
                    AppendNumber(builder, number);
                }

                break;
            case bool flag:
                builder.Append(flag ? "true" : "false");
                break;
            case byte[] bytes:
                builder.Append('"').Append(Convert.ToBase64String(bytes)).Append('"');
                break;
            case List<object?> array:
                builder.Append('[');
                for (int i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    AppendJson(builder, array[i], depth + 1);
                }

                builder.Append(']');
                break;
            case List<KeyValuePair<string, object?>> map:
                AppendMap(builder, map, depth);
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static void AppendMap(StringBuilder builder, List<KeyValuePair<string, object?>> map, int depth)
    {
        // Go marshals a map: keys sorted, a repeated key keeps its last value.
        var sorted = new KeyValuePair<string, object?>[map.Count];
        map.CopyTo(sorted);
        var order = new int[sorted.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int byKey = string.CompareOrdinal(sorted[a].Key, sorted[b].Key);
            return byKey != 0 ? byKey : a.CompareTo(b);
        });
        builder.Append('{');
        bool first = true;
        for (int i = 0; i < order.Length; i++)
        {
            if (i + 1 < order.Length && string.Equals(sorted[order[i]].Key, sorted[order[i + 1]].Key, StringComparison.Ordinal))
            {
                continue;
            }

            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            AppendJsonString(builder, sorted[order[i]].Key);
            builder.Append(':');
            AppendJson(builder, sorted[order[i]].Value, depth + 1);
        }

        builder.Append('}');
    }

    /// <summary>A JSON string with Go's escaping: <c>&lt; &gt; &amp;</c> and U+2028/U+2029 as <c>\uXXXX</c>.</summary>
    private static void AppendJsonString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    /// <summary>ECMAScript number formatting (Go's JSON float encoding): shortest digits, exponent only below 1e-6 or from 1e21.</summary>
    private static void AppendNumber(StringBuilder builder, double value)
    {
        if (value == 0)
        {
            builder.Append(double.IsNegative(value) ? "-0" : "0");
            return;
        }

        // Shortest round-trip digits and decimal exponent from .NET's "E16"-free "R" form.
        string r = value.ToString("R", CultureInfo.InvariantCulture);
        bool negative = r[0] == '-';
        ReadOnlySpan<char> s = negative ? r.AsSpan(1) : r.AsSpan();
        int exponent = 0;
        int e = s.IndexOfAny('E', 'e');
        if (e >= 0)
        {
            exponent = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }

        int dot = s.IndexOf('.');
        int integerDigits = dot >= 0 ? dot : s.Length;
        Span<char> digits = stackalloc char[32];
        int n = 0;
        foreach (char c in s)
        {
            if (c != '.')
            {
                digits[n++] = c;
            }
        }

        // value = 0.d1d2…dn × 10^point
        int point = integerDigits + exponent;
        int lead = 0;
        while (lead < n - 1 && digits[lead] == '0')
        {
            lead++;
            point--;
        }

        ReadOnlySpan<char> d = digits[lead..n].TrimEnd('0');
        if (d.IsEmpty)
        {
            d = "0";
        }

        if (negative)
        {
            builder.Append('-');
        }

        double abs = Math.Abs(value);
        if (abs < 1e-6 || abs >= 1e21)
        {
            builder.Append(d[0]);
            if (d.Length > 1)
            {
                builder.Append('.').Append(d[1..]);
            }

            int exp = point - 1;
            builder.Append('e').Append(exp < 0 ? '-' : '+');
            int magnitude = Math.Abs(exp);
            if (magnitude < 10 && exp > 0)
            {
                builder.Append('0');
            }

            builder.Append(magnitude.ToString(CultureInfo.InvariantCulture));
            return;
        }

        if (point <= 0)
        {
            builder.Append("0.").Append('0', -point).Append(d);
        }
        else if (point >= d.Length)
        {
            builder.Append(d).Append('0', point - d.Length);
        }
        else
        {
            builder.Append(d[..point]).Append('.').Append(d[point..]);
        }
    }
}
