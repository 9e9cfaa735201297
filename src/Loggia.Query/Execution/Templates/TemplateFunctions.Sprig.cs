using System.Globalization;
using System.Text;

namespace Loggia.Query.Execution.Templates;

/// <summary>The Sprig functions Loki enables (<c>templateFunctions</c> in <c>pkg/logql/log/fmt.go</c>), with Sprig's argument order.</summary>
internal static partial class TemplateFunctions
{
    private static readonly ParamType[] AnyVariadic = [ParamType.Any];
    private static readonly ParamType[] AnyThenVariadic = [ParamType.Any, ParamType.Any];

    private static void AddSprig(Registrar add)
    {
        add("b64enc", S, static (a, _) => GoValue.String(Convert.ToBase64String(Encoding.UTF8.GetBytes(a[0].AsString))));
        add("b64dec", S, static (a, _) => GoValue.String(GoStrings.Base64DecodeOrError(a[0].AsString)));
        add("lower", S, static (a, _) => GoValue.String(GoStrings.ToLower(a[0].AsString)));
        add("upper", S, static (a, _) => GoValue.String(GoStrings.ToUpper(a[0].AsString)));
        add("title", S, static (a, _) => GoValue.String(GoStrings.Title(a[0].AsString)));
        add("trunc", IS, static (a, _) => GoValue.String(Truncate(a[0].AsInt, a[1].AsString)));
        add("substr", [ParamType.Int, ParamType.Int, ParamType.String], static (a, _) =>
            GoValue.String(Substring(a[0].AsInt, a[1].AsInt, a[2].AsString)));
        add("contains", SS, static (a, _) => GoValue.Bool(a[1].AsString.Contains(a[0].AsString, StringComparison.Ordinal)));
        add("hasPrefix", SS, static (a, _) => GoValue.Bool(a[1].AsString.StartsWith(a[0].AsString, StringComparison.Ordinal)));
        add("hasSuffix", SS, static (a, _) => GoValue.Bool(a[1].AsString.EndsWith(a[0].AsString, StringComparison.Ordinal)));
        add("indent", IS, static (a, _) => GoValue.String(Indent(a[0].AsInt, a[1].AsString)));
        add("nindent", IS, static (a, _) => GoValue.String("\n" + Indent(a[0].AsInt, a[1].AsString)));
        add("replace", SSS, static (a, _) => GoValue.String(GoStrings.Replace(a[2].AsString, a[0].AsString, a[1].AsString, -1)));
        add("repeat", IS, static (a, _) => GoValue.String(Repeat(a[1].AsString, a[0].AsInt)));
        add("trim", S, static (a, _) => GoValue.String(GoStrings.TrimSpace(a[0].AsString)));
        add("trimAll", SS, static (a, _) => GoValue.String(GoStrings.Trim(a[1].AsString, a[0].AsString, true, true)));
        add("trimSuffix", SS, static (a, _) => GoValue.String(GoStrings.TrimSuffix(a[1].AsString, a[0].AsString)));
        add("trimPrefix", SS, static (a, _) => GoValue.String(GoStrings.TrimPrefix(a[1].AsString, a[0].AsString)));

        add("int", A, static (a, _) => GoValue.Int(GoConversions.ToInt64(a[0])));
        add("float64", A, static (a, _) => GoValue.Float(GoConversions.ToFloat64(a[0])));
        add("add", AnyVariadic, static (a, _) =>
        {
            long sum = 0;
            foreach (var v in a)
            {
                sum = unchecked(sum + GoConversions.ToInt64(v));
            }
            return GoValue.Int64(sum);
        }, variadic: true);
        add("sub", AA, static (a, _) => GoValue.Int64(unchecked(GoConversions.ToInt64(a[0]) - GoConversions.ToInt64(a[1]))));
        add("mul", AnyThenVariadic, static (a, _) =>
        {
            var product = GoConversions.ToInt64(a[0]);
            for (var i = 1; i < a.Length; i++)
            {
                product = unchecked(product * GoConversions.ToInt64(a[i]));
            }
            return GoValue.Int64(product);
        }, variadic: true);
        add("div", AA, static (a, _) => GoValue.Int64(IntegerDivide(GoConversions.ToInt64(a[0]), GoConversions.ToInt64(a[1]), remainder: false)));
        add("mod", AA, static (a, _) => GoValue.Int64(IntegerDivide(GoConversions.ToInt64(a[0]), GoConversions.ToInt64(a[1]), remainder: true)));
        add("addf", AnyVariadic, static (a, _) => GoValue.Float(DecimalOp(GoValue.Float(0), a, '+')), variadic: true);
        add("subf", AnyThenVariadic, static (a, _) => GoValue.Float(DecimalOp(a[0], a[1..], '-')), variadic: true);
        add("mulf", AnyThenVariadic, static (a, _) => GoValue.Float(DecimalOp(a[0], a[1..], '*')), variadic: true);
        add("divf", AnyThenVariadic, static (a, _) => GoValue.Float(DecimalOp(a[0], a[1..], '/')), variadic: true);
        add("max", AnyThenVariadic, static (a, _) =>
        {
            var m = GoConversions.ToInt64(a[0]);
            for (var i = 1; i < a.Length; i++)
            {
                m = Math.Max(m, GoConversions.ToInt64(a[i]));
            }
            return GoValue.Int64(m);
        }, variadic: true);
        add("min", AnyThenVariadic, static (a, _) =>
        {
            var m = GoConversions.ToInt64(a[0]);
            for (var i = 1; i < a.Length; i++)
            {
                m = Math.Min(m, GoConversions.ToInt64(a[i]));
            }
            return GoValue.Int64(m);
        }, variadic: true);
        add("maxf", AnyThenVariadic, static (a, _) =>
        {
            var m = GoConversions.ToFloat64(a[0]);
            for (var i = 1; i < a.Length; i++)
            {
                m = Math.Max(m, GoConversions.ToFloat64(a[i]));
            }
            return GoValue.Float(m);
        }, variadic: true);
        add("minf", AnyThenVariadic, static (a, _) =>
        {
            var m = GoConversions.ToFloat64(a[0]);
            for (var i = 1; i < a.Length; i++)
            {
                m = Math.Min(m, GoConversions.ToFloat64(a[i]));
            }
            return GoValue.Float(m);
        }, variadic: true);
        add("ceil", A, static (a, _) => GoValue.Float(Math.Ceiling(GoConversions.ToFloat64(a[0]))));
        add("floor", A, static (a, _) => GoValue.Float(Math.Floor(GoConversions.ToFloat64(a[0]))));
        add("round", [ParamType.Any, ParamType.Int, ParamType.Float64], static (a, _) =>
            GoValue.Float(Round(GoConversions.ToFloat64(a[0]), a[1].AsInt, a.Length > 2 ? a[2].AsFloat : 0.5)), variadic: true);

        add("fromJson", S, static (a, _) => GoConversions.FromJson(a[0].AsString));
        add("date", [ParamType.String, ParamType.Any], static (a, c) =>
        {
            GoTimeLayout.Format(c.Scratch, DateArgument(a[1]), a[0].AsString);
            return GoValue.String(c.TakeScratch());
        });
        add("toDate", SS, static (a, _) =>
            GoValue.Time(GoTimeLayout.TryParse(a[0].AsString, a[1].AsString, null, out var t) ? t : GoTime.Zero));
        add("now", None, static (_, _) => GoValue.Time(GoTime.FromUnixNanos((DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100)));
        add("unixEpoch", T, static (a, _) => GoValue.String(a[0].AsTime.Seconds.ToString(CultureInfo.InvariantCulture)));
        add("default", AnyThenVariadic, static (a, _) => a.Length < 2 || IsEmpty(a[1]) ? a[0] : a[1], variadic: true);
    }

    /// <summary>Loki's rune-aware <c>trunc</c>: the first <paramref name="count"/> runes, or the last when negative.</summary>
    private static string Truncate(long count, string s)
    {
        var runes = GoStrings.RuneCount(s);
        if (count < 0 && runes + count > 0)
        {
            return GoStrings.RuneSlice(s, (int)(runes + count), runes);
        }
        if (count >= 0 && runes > count)
        {
            return GoStrings.RuneSlice(s, 0, (int)count);
        }
        return s;
    }

    /// <summary>Loki's rune-aware <c>substr start end s</c>, clamping out-of-range indexes.</summary>
    private static string Substring(long start, long end, string s)
    {
        var runes = GoStrings.RuneCount(s);
        end = Math.Min(end, runes);
        start = Math.Min(start, runes);
        if (start < 0)
        {
            return end < 0 ? "" : GoStrings.RuneSlice(s, 0, (int)end);
        }
        if (end < 0)
        {
            return GoStrings.RuneSlice(s, (int)start, runes);
        }
        return start > end ? "" : GoStrings.RuneSlice(s, (int)start, (int)end);
    }

    private static string Indent(long spaces, string s)
    {
        var pad = Repeat(" ", spaces);
        return pad + s.Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }

    /// <summary>Go's <c>strings.Repeat</c>, whose panics Sprig lets through (reported as errors).</summary>
    private static string Repeat(string s, long count)
    {
        if (count < 0)
        {
            throw new TemplateFunctionException("strings: negative Repeat count");
        }
        if (s.Length * count > 1 << 24)
        {
            throw new TemplateFunctionException("strings: Repeat output length overflow");
        }
        var sb = new StringBuilder(s.Length * (int)count);
        for (var i = 0; i < count; i++)
        {
            sb.Append(s);
        }
        return sb.ToString();
    }

    private static long IntegerDivide(long a, long b, bool remainder)
    {
        if (b == 0)
        {
            throw new TemplateFunctionException("runtime error: integer divide by zero");
        }
        if (b == -1)
        {
            return remainder ? 0 : unchecked(-a);
        }
        return remainder ? a % b : a / b;
    }

    /// <summary>Sprig's <c>execDecimalOp</c>: float arguments converted to decimals, combined, back to float64.</summary>
    private static double DecimalOp(in GoValue first, ReadOnlySpan<GoValue> rest, char op)
    {
        var total = GoConversions.ToFloat64(first);
        decimal? exact = ToDecimal(total);
        foreach (var v in rest)
        {
            var x = GoConversions.ToFloat64(v);
            if (op == '/' && x == 0)
            {
                throw new TemplateFunctionException("decimal division by zero");
            }
            var dx = ToDecimal(x);
            if (exact is { } e && dx is { } d)
            {
                try
                {
                    exact = op switch
                    {
                        '+' => e + d,
                        '-' => e - d,
                        '*' => e * d,
                        _ => Math.Round(e / d, 16, MidpointRounding.ToEven),
                    };
                    total = (double)exact.Value;
                    continue;
                }
                catch (OverflowException)
                {
                    exact = null;
                }
            }
            exact = null; // beyond decimal's range: fall back to float arithmetic
            total = op switch
            {
                '+' => total + x,
                '-' => total - x,
                '*' => total * x,
                _ => total / x,
            };
        }
        return total;
    }

    private static decimal? ToDecimal(double d) =>
        double.IsFinite(d) && decimal.TryParse(d.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : null;

    /// <summary>Sprig's <c>round value places [roundOn]</c>.</summary>
    private static double Round(double value, long places, double roundOn)
    {
        var pow = Math.Pow(10, places);
        var digit = pow * value;
        var fraction = digit - Math.Truncate(digit);
        var rounded = fraction >= roundOn ? Math.Ceiling(digit) : Math.Floor(digit);
        return rounded / pow;
    }

    /// <summary>Sprig's <c>date</c> argument: a time, or Unix seconds as int; anything else is now.</summary>
    private static GoTime DateArgument(in GoValue v) => v.Kind switch
    {
        GoKind.Time => v.AsTime,
        GoKind.Int or GoKind.Int64 => GoTime.FromUnixSeconds(v.AsInt),
        _ => GoTime.FromUnixNanos((DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100),
    };

    /// <summary>Sprig's <c>empty</c>: zero numbers, false, empty strings and collections, and nil.</summary>
    private static bool IsEmpty(in GoValue v) => v.Kind switch
    {
        GoKind.Time => false, // structs are never empty
        GoKind.Labels => false,
        _ => !GoTruth.IsTrue(v, null),
    };
}
