using System.Text;

namespace Loggia.Query.LogQL.Syntax;

/// <summary>A metric query: evaluates to samples.</summary>
public abstract record SampleExpr : Expr;

/// <summary>Range aggregation operators.</summary>
public enum RangeOp
{
    CountOverTime, Rate, RateCounter, BytesOverTime, BytesRate, AvgOverTime, SumOverTime, MinOverTime,
    MaxOverTime, StdvarOverTime, StddevOverTime, QuantileOverTime, FirstOverTime, LastOverTime, AbsentOverTime,
}

/// <summary>Vector aggregation operators.</summary>
public enum VectorOp
{
    Sum, Avg, Min, Max, Count, Stddev, Stdvar, Bottomk, Topk, Sort, SortDesc, ApproxTopk,
}

/// <summary><c>unwrap</c> conversion functions.</summary>
public enum UnwrapConversion
{
    /// <summary>Plain <c>unwrap x</c>: the value parsed as a float.</summary>
    None,
    /// <summary><c>unwrap bytes(x)</c></summary>
    Bytes,
    /// <summary><c>unwrap duration(x)</c></summary>
    Duration,
    /// <summary><c>unwrap duration_seconds(x)</c></summary>
    DurationSeconds,
}

/// <summary>Names of operators as LogQL spells them.</summary>
public static class LogQLOperators
{
    /// <summary>The LogQL function name of a range aggregation.</summary>
    public static string Name(RangeOp op) => op switch
    {
        RangeOp.CountOverTime => "count_over_time",
        RangeOp.Rate => "rate",
        RangeOp.RateCounter => "rate_counter",
        RangeOp.BytesOverTime => "bytes_over_time",
        RangeOp.BytesRate => "bytes_rate",
        RangeOp.AvgOverTime => "avg_over_time",
        RangeOp.SumOverTime => "sum_over_time",
        RangeOp.MinOverTime => "min_over_time",
        RangeOp.MaxOverTime => "max_over_time",
        RangeOp.StdvarOverTime => "stdvar_over_time",
        RangeOp.StddevOverTime => "stddev_over_time",
        RangeOp.QuantileOverTime => "quantile_over_time",
        RangeOp.FirstOverTime => "first_over_time",
        RangeOp.LastOverTime => "last_over_time",
        _ => "absent_over_time",
    };

    /// <summary>The LogQL function name of a vector aggregation.</summary>
    public static string Name(VectorOp op) => op switch
    {
        VectorOp.Sum => "sum",
        VectorOp.Avg => "avg",
        VectorOp.Min => "min",
        VectorOp.Max => "max",
        VectorOp.Count => "count",
        VectorOp.Stddev => "stddev",
        VectorOp.Stdvar => "stdvar",
        VectorOp.Bottomk => "bottomk",
        VectorOp.Topk => "topk",
        VectorOp.Sort => "sort",
        VectorOp.SortDesc => "sort_desc",
        _ => "approx_topk",
    };

    /// <summary>The LogQL spelling of a binary operator.</summary>
    public static string Name(BinaryOp op) => op switch
    {
        BinaryOp.Or => "or",
        BinaryOp.And => "and",
        BinaryOp.Unless => "unless",
        BinaryOp.Add => "+",
        BinaryOp.Sub => "-",
        BinaryOp.Mul => "*",
        BinaryOp.Div => "/",
        BinaryOp.Mod => "%",
        BinaryOp.Pow => "^",
        BinaryOp.Eq => "==",
        BinaryOp.Neq => "!=",
        BinaryOp.Gt => ">",
        BinaryOp.Gte => ">=",
        BinaryOp.Lt => "<",
        _ => "<=",
    };
}

/// <summary><c>by (a,b)</c> or <c>without (a,b)</c>.</summary>
public sealed record Grouping(bool Without, SyntaxList<string> Labels) : SyntaxNode
{
    /// <summary>No grouping: <c>by ()</c>, aggregating everything into one series.</summary>
    public static Grouping None { get; } = new(false, SyntaxList<string>.Empty);

    internal override void WriteTo(StringBuilder sb) =>
        sb.Append(Without ? " without (" : " by (").AppendJoin(',', Labels).Append(')');
}

/// <summary><c>| unwrap [conv(]label[)] [| label filter]*</c> inside a range aggregation.</summary>
public sealed record UnwrapExpr(string Label, UnwrapConversion Conversion, SyntaxList<LabelFilterExpr> PostFilters) : SyntaxNode
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append(" | unwrap ");
        switch (Conversion)
        {
            case UnwrapConversion.None: sb.Append(Label); break;
            case UnwrapConversion.Bytes: sb.Append("bytes(").Append(Label).Append(')'); break;
            case UnwrapConversion.Duration: sb.Append("duration(").Append(Label).Append(')'); break;
            default: sb.Append("duration_seconds(").Append(Label).Append(')'); break;
        }
        foreach (var f in PostFilters)
        {
            sb.Append(" | ");
            f.WriteTo(sb);
        }
    }
}

/// <summary>The range argument of a range aggregation: <c>{...} | stages | unwrap x [5m] offset 1h</c>.</summary>
public sealed record LogRange(LogSelectorExpr Selector, TimeSpan Interval, TimeSpan Offset, UnwrapExpr? Unwrap) : SyntaxNode
{
    internal override void WriteTo(StringBuilder sb)
    {
        Selector.WriteTo(sb);
        Unwrap?.WriteTo(sb);
        sb.Append('[').Append(GoDuration.FormatPrometheus(Interval)).Append(']');
        if (Offset != TimeSpan.Zero)
        {
            sb.Append(" offset ").Append(GoDuration.FormatGo(Offset));
        }
    }
}

/// <summary><c>rate({...}[5m])</c>, <c>quantile_over_time(0.99, {...} | unwrap x [5m]) by (a)</c>.</summary>
public sealed record RangeAggregationExpr(RangeOp Op, LogRange Range, double? Parameter, Grouping? Grouping) : SampleExpr
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append(LogQLOperators.Name(Op)).Append('(');
        if (Parameter is { } p)
        {
            sb.Append(GoFloat.FormatFixed(p)).Append(',');
        }
        Range.WriteTo(sb);
        sb.Append(')');
        Grouping?.WriteTo(sb);
    }
}

/// <summary><c>sum by (a) (...)</c>, <c>topk(10, ...)</c>. <see cref="Grouping"/> is <see cref="Grouping.None"/> when absent.</summary>
public sealed record VectorAggregationExpr(VectorOp Op, SampleExpr Inner, Grouping Grouping, int Parameter) : SampleExpr
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append(LogQLOperators.Name(Op));
        if (Grouping.Without || Grouping.Labels.Count > 0)
        {
            Grouping.WriteTo(sb);
        }
        sb.Append('(');
        if (Op is VectorOp.Topk or VectorOp.Bottomk or VectorOp.ApproxTopk || Parameter != 0)
        {
            sb.Append(Parameter.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',');
        }
        Inner.WriteTo(sb);
        sb.Append(')');
    }
}

/// <summary>Binary operators, lowest precedence first.</summary>
public enum BinaryOp
{
    Or, And, Unless, Eq, Neq, Gt, Gte, Lt, Lte, Add, Sub, Mul, Div, Mod, Pow,
}

/// <summary>Cardinality of vector matching.</summary>
public enum VectorMatchCardinality
{
    /// <summary>Default one-to-one matching.</summary>
    OneToOne,
    /// <summary><c>group_left</c></summary>
    ManyToOne,
    /// <summary><c>group_right</c></summary>
    OneToMany,
}

/// <summary>Modifiers of a binary operation: <c>bool</c>, <c>on/ignoring (...)</c>, <c>group_left/group_right (...)</c>.</summary>
public sealed record BinaryOpModifier(
    bool ReturnBool,
    bool On,
    SyntaxList<string> MatchingLabels,
    VectorMatchCardinality Card,
    SyntaxList<string> Include) : SyntaxNode
{
    /// <summary>No modifiers.</summary>
    public static BinaryOpModifier Default { get; } = new(false, false, SyntaxList<string>.Empty, VectorMatchCardinality.OneToOne, SyntaxList<string>.Empty);

    internal override void WriteTo(StringBuilder sb)
    {
        if (ReturnBool)
        {
            sb.Append(" bool");
        }
        if (On || MatchingLabels.Count > 0)
        {
            sb.Append(On ? " on (" : " ignoring (").AppendJoin(',', MatchingLabels).Append(") ");
            if (Card != VectorMatchCardinality.OneToOne)
            {
                sb.Append(Card == VectorMatchCardinality.ManyToOne ? "group_left" : "group_right");
                if (Include.Count > 0)
                {
                    sb.Append(" (").AppendJoin(',', Include).Append(')');
                }
            }
        }
    }
}

/// <summary><c>(left op right)</c>. Two literal legs are folded into a <see cref="LiteralExpr"/> by the parser, as in Loki.</summary>
public sealed record BinaryOpExpr(BinaryOp Op, SampleExpr Left, SampleExpr Right, BinaryOpModifier Modifier) : SampleExpr
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append('(');
        Left.WriteTo(sb);
        sb.Append(' ').Append(LogQLOperators.Name(Op));
        Modifier.WriteTo(sb);
        sb.Append(' ');
        Right.WriteTo(sb);
        sb.Append(')');
    }
}

/// <summary>A number literal.</summary>
public sealed record LiteralExpr(double Value) : SampleExpr
{
    internal override void WriteTo(StringBuilder sb) => sb.Append(GoFloat.FormatV(Value));
}

/// <summary><c>vector(1)</c>.</summary>
public sealed record VectorExpr(double Value) : SampleExpr
{
    internal override void WriteTo(StringBuilder sb) => sb.Append("vector(").Append(GoFloat.FormatF6(Value)).Append(')');
}

/// <summary><c>label_replace(inner, "dst", "replacement", "src", "regex")</c>; the regex is fully anchored.</summary>
public sealed record LabelReplaceExpr(SampleExpr Inner, string Destination, string Replacement, string Source, string Regex) : SampleExpr
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("label_replace(");
        Inner.WriteTo(sb);
        foreach (var s in (ReadOnlySpan<string>)[Destination, Replacement, Source, Regex])
        {
            sb.Append(',');
            GoString.AppendQuoted(sb, s);
        }
        sb.Append(')');
    }
}
