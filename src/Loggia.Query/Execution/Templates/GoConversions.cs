using System.Globalization;
using System.Text.Json;

namespace Loggia.Query.Execution.Templates;

/// <summary>
/// Conversions Loki's and Sprig's functions rely on: spf13/cast's lenient <c>ToInt64</c>/<c>ToFloat64</c>
/// (failures become 0), Go's <c>time.ParseDuration</c>, go-humanize's <c>ParseBytes</c> and JSON decoding.
/// </summary>
internal static class GoConversions
{
    /// <summary>cast.ToInt64: numbers truncate, bools are 1/0, strings parse in base 0, anything else is 0.</summary>
    public static long ToInt64(in GoValue v) => v.Kind switch
    {
        GoKind.Int or GoKind.Int64 => v.AsInt,
        GoKind.Float64 => double.IsNaN(v.AsFloat) ? long.MinValue : (long)v.AsFloat,
        GoKind.Bool => v.AsBool ? 1 : 0,
        GoKind.String => GoLiterals.TryParseInt(TrimZeroDecimal(v.AsString), out var i) ? i : 0,
        _ => 0,
    };

    /// <summary>cast.ToFloat64: numbers convert, bools are 1/0, strings parse as floats, anything else is 0.</summary>
    public static double ToFloat64(in GoValue v) => v.Kind switch
    {
        GoKind.Int or GoKind.Int64 => v.AsInt,
        GoKind.Float64 => v.AsFloat,
        GoKind.Bool => v.AsBool ? 1 : 0,
        GoKind.String => GoLiterals.TryParseFloat(v.AsString, out var f) ? f : 0,
        _ => 0,
    };

    private static string TrimZeroDecimal(string s)
    {
        var foundZero = false;
        for (var i = s.Length; i > 0; i--)
        {
            switch (s[i - 1])
            {
                case '.':
                    if (foundZero)
                    {
                        return s[..(i - 1)];
                    }
                    break;
                case '0':
                    foundZero = true;
                    break;
                default:
                    return s;
            }
        }
        return s;
    }

    /// <summary>Go's <c>time.ParseDuration</c> in seconds; throws Go's error text.</summary>
    public static double ParseDurationSeconds(string s)
    {
        var orig = s;
        var quoted = Loggia.Query.LogQL.Syntax.GoString.Quote(orig);
        var i = 0;
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            i++;
        }
        if (s.Length - i == 1 && s[i] == '0')
        {
            return 0;
        }
        if (i >= s.Length)
        {
            throw new TemplateFunctionException("time: invalid duration " + quoted);
        }
        decimal total = 0;
        while (i < s.Length)
        {
            if (!(s[i] == '.' || char.IsAsciiDigit(s[i])))
            {
                throw new TemplateFunctionException("time: invalid duration " + quoted);
            }
            var numStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            var pre = i != numStart;
            var post = false;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                var fracStart = i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }
                post = i != fracStart;
            }
            if (!pre && !post)
            {
                throw new TemplateFunctionException("time: invalid duration " + quoted);
            }
            var numberText = s[numStart..i].TrimEnd('.');
            var number = numberText.Length == 0 ? 0m : decimal.Parse(numberText[0] == '.' ? "0" + numberText : numberText, CultureInfo.InvariantCulture);
            var unitStart = i;
            while (i < s.Length && s[i] != '.' && !char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            if (unitStart == i)
            {
                throw new TemplateFunctionException("time: missing unit in duration " + quoted);
            }
            var unit = s[unitStart..i];
            decimal nanosPerUnit = unit switch
            {
                "ns" => 1m,
                "us" or "\u00b5s" or "\u03bcs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => throw new TemplateFunctionException("time: unknown unit " + Loggia.Query.LogQL.Syntax.GoString.Quote(unit) + " in duration " + quoted),
            };
            total += decimal.Truncate(number * nanosPerUnit);
            if (total > long.MaxValue)
            {
                throw new TemplateFunctionException("time: invalid duration " + quoted);
            }
        }
        var nanos = (long)total;
        if (negative)
        {
            nanos = -nanos;
        }
        var seconds = nanos / 1_000_000_000;
        var rest = nanos % 1_000_000_000;
        return seconds + (rest / 1e9);
    }

    private static readonly Dictionary<string, ulong> ByteSizes = new(StringComparer.Ordinal)
    {
        ["b"] = 1,
        [""] = 1,
        ["kib"] = 1UL << 10,
        ["ki"] = 1UL << 10,
        ["kb"] = 1000,
        ["k"] = 1000,
        ["mib"] = 1UL << 20,
        ["mi"] = 1UL << 20,
        ["mb"] = 1000_000,
        ["m"] = 1000_000,
        ["gib"] = 1UL << 30,
        ["gi"] = 1UL << 30,
        ["gb"] = 1000_000_000,
        ["g"] = 1000_000_000,
        ["tib"] = 1UL << 40,
        ["ti"] = 1UL << 40,
        ["tb"] = 1000_000_000_000,
        ["t"] = 1000_000_000_000,
        ["pib"] = 1UL << 50,
        ["pi"] = 1UL << 50,
        ["pb"] = 1000_000_000_000_000,
        ["p"] = 1000_000_000_000_000,
        ["eib"] = 1UL << 60,
        ["ei"] = 1UL << 60,
        ["eb"] = 1000_000_000_000_000_000,
        ["e"] = 1000_000_000_000_000_000,
    };

    /// <summary>go-humanize's <c>ParseBytes</c> ("10KB", "1.5 MiB", "42"); throws its error text.</summary>
    public static double ParseBytes(string s)
    {
        var last = 0;
        var hasComma = false;
        while (last < s.Length && (char.IsDigit(s[last]) || s[last] is '.' or ','))
        {
            hasComma |= s[last] == ',';
            last++;
        }
        var num = s[..last];
        if (hasComma)
        {
            num = num.Replace(",", "", StringComparison.Ordinal);
        }
        if (!GoLiterals.TryParseFloat(num, out var f))
        {
            throw new TemplateFunctionException("strconv.ParseFloat: parsing " + Loggia.Query.LogQL.Syntax.GoString.Quote(num) + ": invalid syntax");
        }
        var extra = GoStrings.TrimSpace(s[last..]).ToLowerInvariant();
        if (!ByteSizes.TryGetValue(extra, out var multiplier))
        {
            throw new TemplateFunctionException("unhandled size name: " + extra);
        }
        f *= multiplier;
        if (f >= ulong.MaxValue)
        {
            throw new TemplateFunctionException("too large: " + s);
        }
        return Math.Floor(f);
    }

    /// <summary>Sprig's <c>fromJson</c>: decodes into maps, slices, float64, string, bool or nil; invalid JSON is nil.</summary>
    public static GoValue FromJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
            return Convert(doc.RootElement);
        }
        catch (JsonException)
        {
            return GoValue.Nil;
        }
    }

    private static GoValue Convert(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new Dictionary<string, GoValue>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    map[p.Name] = Convert(p.Value);
                }
                return GoValue.Map(map);
            case JsonValueKind.Array:
                var list = new List<GoValue>();
                foreach (var item in e.EnumerateArray())
                {
                    list.Add(Convert(item));
                }
                return GoValue.Slice(list);
            case JsonValueKind.String:
                return GoValue.String(e.GetString()!);
            case JsonValueKind.Number:
                return GoValue.Float(e.GetDouble());
            case JsonValueKind.True:
                return GoValue.True;
            case JsonValueKind.False:
                return GoValue.False;
            default:
                return GoValue.Nil;
        }
    }
}
