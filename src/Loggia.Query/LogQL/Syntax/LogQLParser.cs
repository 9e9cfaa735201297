namespace Loggia.Query.LogQL.Syntax;

/// <summary>Entry points of the LogQL syntax layer. All failures throw <see cref="LogQLParseException"/>.</summary>
public static class LogQLParser
{
    internal const string AtLeastOneMatcherRequired =
        "queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will";

    /// <summary>Parses and validates a log or metric query, as Loki's <c>ParseExpr</c>.</summary>
    public static Expr Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var expr = Parser.ParseUnvalidated(query);
        Validate(expr);
        return expr;
    }

    /// <summary>Parses a log query (<c>{app="x"} |= "y"</c>), optionally validating its matchers.</summary>
    public static LogSelectorExpr ParseLogSelector(string query, bool validate = true)
    {
        ArgumentNullException.ThrowIfNull(query);
        var expr = Parser.ParseUnvalidated(query);
        if (expr is not LogSelectorExpr log)
        {
            throw LogQLParseException.Plain("only log selector is supported");
        }
        if (validate)
        {
            Validate(expr);
        }
        return log;
    }

    /// <summary>Parses and validates a metric query.</summary>
    public static SampleExpr ParseSampleExpr(string query)
    {
        var expr = Parse(query);
        return expr as SampleExpr ?? throw LogQLParseException.Plain("only sample expression supported");
    }

    /// <summary>Parses a bare stream selector <c>{a="b"}</c> into its matchers.</summary>
    public static SyntaxList<LabelMatcher> ParseMatchers(string query)
    {
        var expr = Parse(query);
        return expr is MatchersExpr m ? m.Selectors : throw LogQLParseException.Plain("only label matchers is supported");
    }

    /// <summary>Loki's post-parse checks: each selector needs a matcher that rejects the empty value; sort has no grouping.</summary>
    private static void Validate(Expr expr)
    {
        switch (expr)
        {
            case LogSelectorExpr log:
                ValidateMatchers(log.Matchers);
                break;
            case BinaryOpExpr b:
                Validate(b.Left);
                Validate(b.Right);
                break;
            case VectorAggregationExpr v:
                if (v.Op is VectorOp.Sort or VectorOp.SortDesc && v.Grouping.Labels.Count > 0)
                {
                    throw new LogQLParseException("sort and sort_desc doesn't allow grouping by ", 0, 0);
                }
                Validate(v.Inner);
                break;
            case LabelReplaceExpr l:
                Validate(l.Inner);
                break;
            case RangeAggregationExpr r:
                ValidateMatchers(r.Range.Selector.Matchers);
                break;
        }
    }

    private static void ValidateMatchers(SyntaxList<LabelMatcher> matchers)
    {
        foreach (var m in matchers)
        {
            if (!m.MatchesEmpty())
            {
                return;
            }
        }
        throw new LogQLParseException(AtLeastOneMatcherRequired, 0, 0);
    }
}
