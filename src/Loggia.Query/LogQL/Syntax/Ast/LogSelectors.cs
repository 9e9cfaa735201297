using System.Text;

namespace Loggia.Query.LogQL.Syntax;

/// <summary>A log query: a stream selector with an optional pipeline.</summary>
public abstract record LogSelectorExpr : Expr
{
    /// <summary>The stream selector's matchers.</summary>
    public abstract SyntaxList<LabelMatcher> Matchers { get; }
}

/// <summary>A bare stream selector <c>{a="b", c=~"d"}</c>.</summary>
public sealed record MatchersExpr(SyntaxList<LabelMatcher> Selectors) : LogSelectorExpr
{
    /// <inheritdoc/>
    public override SyntaxList<LabelMatcher> Matchers => Selectors;

    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append('{');
        for (var i = 0; i < Selectors.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            Selectors[i].WriteTo(sb);
        }
        sb.Append('}');
    }
}

/// <summary>A stream selector followed by pipeline stages.</summary>
public sealed record PipelineExpr(MatchersExpr Selector, SyntaxList<PipelineStage> Stages) : LogSelectorExpr
{
    /// <inheritdoc/>
    public override SyntaxList<LabelMatcher> Matchers => Selector.Selectors;

    internal override void WriteTo(StringBuilder sb)
    {
        Selector.WriteTo(sb);
        foreach (var s in Stages)
        {
            sb.Append(' ');
            s.WriteTo(sb);
        }
    }
}
