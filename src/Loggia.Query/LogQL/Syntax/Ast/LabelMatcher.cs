using System.Text;

namespace Loggia.Query.LogQL.Syntax;

/// <summary>Label matcher operators.</summary>
public enum MatchOperator
{
    /// <summary><c>=</c></summary>
    Equal,
    /// <summary><c>!=</c></summary>
    NotEqual,
    /// <summary><c>=~</c> (RE2, fully anchored: <c>^(?s:re)$</c>)</summary>
    Regex,
    /// <summary><c>!~</c> (RE2, fully anchored)</summary>
    NotRegex,
}

/// <summary>
/// <c>name op "value"</c>. Regex values are matched fully anchored with dot matching newlines, as
/// Prometheus does (<c>^(?s:value)$</c>). The syntax layer only validates them.
/// </summary>
public sealed record LabelMatcher(string Name, MatchOperator Op, string Value) : SyntaxNode
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append(Name).Append(OperatorText(Op));
        GoString.AppendQuoted(sb, Value);
    }

    /// <summary>The operator's LogQL spelling.</summary>
    public static string OperatorText(MatchOperator op) => op switch
    {
        MatchOperator.Equal => "=",
        MatchOperator.NotEqual => "!=",
        MatchOperator.Regex => "=~",
        _ => "!~",
    };

    /// <summary>Whether this matcher accepts the empty string (an "empty-compatible" matcher in Loki's words).</summary>
    public bool MatchesEmpty() => Op switch
    {
        MatchOperator.Equal => Value.Length == 0,
        MatchOperator.NotEqual => Value.Length != 0,
        MatchOperator.Regex => RegexValidation.MatchesEmpty(Value),
        _ => !RegexValidation.MatchesEmpty(Value),
    };
}
