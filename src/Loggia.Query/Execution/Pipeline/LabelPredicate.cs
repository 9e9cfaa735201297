using System.Text;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// A compiled label filter expression, with Loki's semantics: string matchers compare an absent label as empty
/// (and see <c>__error__</c>); numeric, duration and bytes filters reject an entry without the label, and when the
/// value does not convert they keep the entry and set <c>__error__="LabelFilterErr"</c> (unless an error is already
/// set); <c>or</c> evaluates its right side only when the left fails, <c>and</c> always evaluates both.
/// </summary>
internal abstract class LabelPredicate
{
    public abstract bool Test(LabelsBuilder labels);

    public static LabelPredicate Compile(LabelFilterExpr expr) => expr switch
    {
        StringLabelFilter s => new StringPredicate(s.Matcher.Name, LabelValueMatcher.Compile(s.Matcher.Op, s.Matcher.Value)),
        NumericLabelFilter n => new NumericPredicate(n.Name, n.Op, n.Value),
        DurationLabelFilter d => new DurationPredicate(d.Name, d.Op, d.Value),
        BytesLabelFilter b => new BytesPredicate(b.Name, b.Op, b.Value),
        IpLabelFilter ip => new IpLabelPredicate(ip.Name, ip.Negated, new IpPredicate(IpAddressMatcher.Parse(ip.Pattern))),
        BinaryLabelFilter bin => new BinaryPredicate(Compile(bin.Left), Compile(bin.Right), bin.IsAnd),
        _ => throw new NotSupportedException($"label filter '{expr}' is not supported"),
    };

    private static bool Compare<T>(T value, LabelFilterOp op, T expected)
        where T : IComparable<T>
    {
        var c = value.CompareTo(expected);
        return op switch
        {
            LabelFilterOp.Equal => c == 0,
            LabelFilterOp.NotEqual => c != 0,
            LabelFilterOp.GreaterThan => c > 0,
            LabelFilterOp.GreaterThanOrEqual => c >= 0,
            LabelFilterOp.LessThan => c < 0,
            _ => c <= 0,
        };
    }

    private static bool ConversionFailed(LabelsBuilder labels, string? error)
    {
        // Keep what may be a more useful earlier error.
        if (!labels.HasError)
        {
            labels.Error = LabelNames.LabelFilterError;
            labels.ErrorDetails = error ?? "";
        }
        return true;
    }

    private sealed class StringPredicate(string name, LabelValueMatcher matcher) : LabelPredicate
    {
        public override bool Test(LabelsBuilder labels) =>
            matcher.Matches(name == LabelNames.Error ? labels.Error : labels.GetOrEmpty(name));
    }

    private sealed class NumericPredicate(string name, LabelFilterOp op, double expected) : LabelPredicate
    {
        public override bool Test(LabelsBuilder labels)
        {
            if (!labels.TryGet(name, out var v))
            {
                return false;
            }
            if (!GoConversions.TryParseFloat(v, out var value, out var error))
            {
                return ConversionFailed(labels, error);
            }
            // IEEE comparisons, as Go: NaN compares false with everything except !=.
            return op switch
            {
                LabelFilterOp.Equal => value == expected,
                LabelFilterOp.NotEqual => value != expected,
                LabelFilterOp.GreaterThan => value > expected,
                LabelFilterOp.GreaterThanOrEqual => value >= expected,
                LabelFilterOp.LessThan => value < expected,
                _ => value <= expected,
            };
        }
    }

    private sealed class DurationPredicate(string name, LabelFilterOp op, TimeSpan expected) : LabelPredicate
    {
        public override bool Test(LabelsBuilder labels)
        {
            if (!labels.TryGet(name, out var v))
            {
                return false;
            }
            return GoConversions.TryParseDuration(v, out var value, out var error)
                ? Compare(value, op, expected)
                : ConversionFailed(labels, error);
        }
    }

    private sealed class BytesPredicate(string name, LabelFilterOp op, ulong expected) : LabelPredicate
    {
        public override bool Test(LabelsBuilder labels)
        {
            if (!labels.TryGet(name, out var v))
            {
                return false;
            }
            return GoConversions.TryParseBytes(v, out var value, out var error)
                ? Compare(value, op, expected)
                : ConversionFailed(labels, error);
        }
    }

    private sealed class IpLabelPredicate(string name, bool negated, IpPredicate ip) : LabelPredicate
    {
        public override bool Test(LabelsBuilder labels)
        {
            // Loki: with an error set, only string matchers may filter the entry out.
            if (labels.HasError)
            {
                return true;
            }
            if (!labels.TryGet(name, out var v))
            {
                return false;
            }
            Span<byte> utf8 = stackalloc byte[256];
            var bytes = Encoding.UTF8.GetByteCount(v) <= utf8.Length ? utf8[..Encoding.UTF8.GetBytes(v, utf8)] : Encoding.UTF8.GetBytes(v);
            return ip.Matches(bytes) != negated;
        }
    }

    private sealed class BinaryPredicate(LabelPredicate left, LabelPredicate right, bool isAnd) : LabelPredicate
    {
        public override bool Test(LabelsBuilder labels)
        {
            var l = left.Test(labels);
            if (!isAnd && l)
            {
                return true;
            }
            var r = right.Test(labels);
            return isAnd ? l && r : r;
        }
    }
}
