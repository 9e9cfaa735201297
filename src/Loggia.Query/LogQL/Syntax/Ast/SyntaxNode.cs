using System.Text;

namespace Loggia.Query.LogQL.Syntax;

/// <summary>Base of every LogQL syntax node. <see cref="ToString"/> prints canonical LogQL.</summary>
public abstract record SyntaxNode
{
    /// <summary>Appends the canonical LogQL form of this node.</summary>
    internal abstract void WriteTo(StringBuilder sb);

    /// <summary>Canonical LogQL (Loki's formatting where practical); re-parses to an equal tree.</summary>
    public sealed override string ToString()
    {
        var sb = new StringBuilder();
        WriteTo(sb);
        return sb.ToString();
    }
}

/// <summary>A complete LogQL expression: a log query (<see cref="LogSelectorExpr"/>) or a metric query (<see cref="SampleExpr"/>).</summary>
public abstract record Expr : SyntaxNode;
