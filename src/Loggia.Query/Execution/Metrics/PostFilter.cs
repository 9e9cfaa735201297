using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// A compiled label filter that runs after <c>unwrap</c>, with Loki's rules: string matchers see every label
/// including <c>__error__</c>; numeric, duration, bytes and ip filters let entries that already carry an error pass
/// (only string matchers can drop them), drop entries without the label, and mark values they cannot parse with
/// <c>__error__="LabelFilterErr"</c> (keeping the entry).
/// </summary>
internal abstract class PostFilter
{
    public abstract bool Process(SampleLabels labels);

    public static PostFilter Compile(LabelFilterExpr expr) => expr switch
    {
        StringLabelFilter s => new StringFilter(s.Matcher.Name, LabelValueMatcher.Compile(s.Matcher.Op, s.Matcher.Value)),
        NumericLabelFilter n => new NumericFilter(n),
        DurationLabelFilter d => new DurationFilter(d),
        BytesLabelFilter b => new BytesFilter(b),
        IpLabelFilter ip => new IpFilter(ip.Name, ip.Negated, IpAddressMatcher.Parse(ip.Pattern)),
        BinaryLabelFilter b => new BinaryFilter(Compile(b.Left), Compile(b.Right), b.IsAnd),
        _ => throw new NotSupportedException($"label filter {expr} is not supported after unwrap"),
    };

    private static bool Compare(int comparison, LabelFilterOp op) => op switch
    {
        LabelFilterOp.Equal => comparison == 0,
        LabelFilterOp.NotEqual => comparison != 0,
        LabelFilterOp.GreaterThan => comparison > 0,
        LabelFilterOp.GreaterThanOrEqual => comparison >= 0,
        LabelFilterOp.LessThan => comparison < 0,
        _ => comparison <= 0,
    };

    private sealed class StringFilter(string name, LabelValueMatcher matcher) : PostFilter
    {
        public override bool Process(SampleLabels labels) => matcher.Matches(labels.Get(name) ?? "");
    }

    private sealed class NumericFilter(NumericLabelFilter filter) : PostFilter
    {
        public override bool Process(SampleLabels labels)
        {
            if (labels.HasError)
            {
                return true;
            }
            if (labels.Get(filter.Name) is not { } text)
            {
                return false;
            }
            if (!GoConversions.TryParseFloat(text, out var value, out var error))
            {
                labels.SetError(ErrorLabels.LabelFilter, error);
                return true;
            }
            // Go's float comparisons: NaN compares false except for !=.
            return filter.Op switch
            {
                LabelFilterOp.Equal => value == filter.Value,
                LabelFilterOp.NotEqual => value != filter.Value,
                LabelFilterOp.GreaterThan => value > filter.Value,
                LabelFilterOp.GreaterThanOrEqual => value >= filter.Value,
                LabelFilterOp.LessThan => value < filter.Value,
                _ => value <= filter.Value,
            };
        }
    }

    private sealed class DurationFilter(DurationLabelFilter filter) : PostFilter
    {
        public override bool Process(SampleLabels labels)
        {
            if (labels.HasError)
            {
                return true;
            }
            if (labels.Get(filter.Name) is not { } text)
            {
                return false;
            }
            if (!GoConversions.TryParseDuration(text, out var value, out var error))
            {
                labels.SetError(ErrorLabels.LabelFilter, error);
                return true;
            }
            return Compare(value.CompareTo(filter.Value), filter.Op);
        }
    }

    private sealed class BytesFilter(BytesLabelFilter filter) : PostFilter
    {
        public override bool Process(SampleLabels labels)
        {
            if (labels.HasError)
            {
                return true;
            }
            if (labels.Get(filter.Name) is not { } text)
            {
                return false;
            }
            if (!GoConversions.TryParseBytes(text, out var value, out var error))
            {
                labels.SetError(ErrorLabels.LabelFilter, error);
                return true;
            }
            return Compare(value.CompareTo(filter.Value), filter.Op);
        }
    }

    private sealed class IpFilter(string name, bool negated, IpAddressMatcher matcher) : PostFilter
    {
        public override bool Process(SampleLabels labels)
        {
            if (labels.HasError)
            {
                return true;
            }
            if (labels.Get(name) is not { } text)
            {
                return false;
            }
            var matches = IpAddressMatcher.TryParseAddress(text, out var isV6, out var address) && matcher.Contains(isV6, address);
            return matches != negated;
        }
    }

    private sealed class BinaryFilter(PostFilter left, PostFilter right, bool isAnd) : PostFilter
    {
        public override bool Process(SampleLabels labels)
        {
            var l = left.Process(labels);
            if (!isAnd && l)
            {
                return true;
            }
            var r = right.Process(labels);
            return isAnd ? l && r : r;
        }
    }
}
