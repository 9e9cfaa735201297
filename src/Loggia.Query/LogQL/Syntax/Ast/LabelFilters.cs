using System.Text;

namespace Loggia.Query.LogQL.Syntax;

/// <summary>Comparison operators of numeric, duration and bytes label filters.</summary>
public enum LabelFilterOp
{
    /// <summary><c>==</c> (also written <c>=</c>)</summary>
    Equal,
    /// <summary><c>!=</c></summary>
    NotEqual,
    /// <summary><c>&gt;</c></summary>
    GreaterThan,
    /// <summary><c>&gt;=</c></summary>
    GreaterThanOrEqual,
    /// <summary><c>&lt;</c></summary>
    LessThan,
    /// <summary><c>&lt;=</c></summary>
    LessThanOrEqual,
}

/// <summary>A label filter expression (after <c>|</c>, or after <c>| unwrap x</c>).</summary>
public abstract record LabelFilterExpr : SyntaxNode
{
    /// <summary>The operator's LogQL spelling as Loki prints it.</summary>
    public static string OperatorText(LabelFilterOp op) => op switch
    {
        LabelFilterOp.Equal => "==",
        LabelFilterOp.NotEqual => "!=",
        LabelFilterOp.GreaterThan => ">",
        LabelFilterOp.GreaterThanOrEqual => ">=",
        LabelFilterOp.LessThan => "<",
        _ => "<=",
    };
}

/// <summary><c>level="error"</c>, <c>path=~"/api.*"</c>.</summary>
public sealed record StringLabelFilter(LabelMatcher Matcher) : LabelFilterExpr
{
    internal override void WriteTo(StringBuilder sb) => Matcher.WriteTo(sb);
}

/// <summary><c>status &gt;= 500</c>.</summary>
public sealed record NumericLabelFilter(string Name, LabelFilterOp Op, double Value) : LabelFilterExpr
{
    internal override void WriteTo(StringBuilder sb) => sb.Append(Name).Append(OperatorText(Op)).Append(GoFloat.FormatFixed(Value));
}

/// <summary><c>duration &gt; 1s</c>.</summary>
public sealed record DurationLabelFilter(string Name, LabelFilterOp Op, TimeSpan Value) : LabelFilterExpr
{
    internal override void WriteTo(StringBuilder sb) => sb.Append(Name).Append(OperatorText(Op)).Append(GoDuration.FormatGo(Value));
}

/// <summary><c>size &gt; 10KB</c>.</summary>
public sealed record BytesLabelFilter(string Name, LabelFilterOp Op, ulong Value) : LabelFilterExpr
{
    internal override void WriteTo(StringBuilder sb) => sb.Append(Name).Append(OperatorText(Op)).Append(GoBytes.Format(Value));
}

/// <summary><c>addr=ip("10.0.0.0/8")</c> or <c>addr!=ip(...)</c>.</summary>
public sealed record IpLabelFilter(string Name, bool Negated, string Pattern) : LabelFilterExpr
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append(Name).Append(Negated ? "!=" : "=").Append("ip(");
        GoString.AppendQuoted(sb, Pattern);
        sb.Append(')');
    }
}

/// <summary><c>a and b</c> (also <c>a, b</c> and <c>a b</c>) or <c>a or b</c>.</summary>
public sealed record BinaryLabelFilter(LabelFilterExpr Left, LabelFilterExpr Right, bool IsAnd) : LabelFilterExpr
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("( ");
        Left.WriteTo(sb);
        sb.Append(IsAnd ? " , " : " or ");
        Right.WriteTo(sb);
        sb.Append(" )");
    }
}
