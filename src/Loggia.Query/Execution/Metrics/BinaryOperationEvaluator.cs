using Loggia.Core.Model;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// Binary operators between vectors and with scalars, with Loki's semantics (Prometheus' vector matching as Loki
/// applies it): arithmetic (<c>/</c> and <c>%</c> by zero give NaN), comparisons filter (or return 0/1 with
/// <c>bool</c>) and keep the vector's value, <c>and/or/unless</c> by matching signature, <c>on/ignoring</c>,
/// <c>group_left/group_right</c> with included labels, and Loki's errors for ambiguous matches, checked per step.
/// </summary>
internal static class BinaryOperationEvaluator
{

    private static string DuplicateSeriesError(string side) =>
        $"found duplicate series on the {side} hand-side;many-to-many matching not allowed: matching labels must be unique on one side";

    private const string ManyToOneError = "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)";

    private const string GroupingError = "multiple matches for labels: grouping labels must ensure unique matches";

    public static bool IsComparison(BinaryOp op) => op is BinaryOp.Eq or BinaryOp.Neq or BinaryOp.Gt or BinaryOp.Gte or BinaryOp.Lt or BinaryOp.Lte;

    /// <summary>Loki's MergeBinOp on two values; false when a filtering comparison drops the sample.</summary>
    public static bool TryMerge(BinaryOp op, double left, double right, bool filter, out double result)
    {
        bool? comparison = op switch
        {
            BinaryOp.Eq => left == right,
            BinaryOp.Neq => left != right,
            BinaryOp.Gt => left > right,
            BinaryOp.Gte => left >= right,
            BinaryOp.Lt => left < right,
            BinaryOp.Lte => left <= right,
            _ => null,
        };
        if (comparison is { } holds)
        {
            result = holds ? 1 : 0;
            return holds || !filter;
        }
        result = op switch
        {
            BinaryOp.Add => left + right,
            BinaryOp.Sub => left - right,
            BinaryOp.Mul => left * right,
            BinaryOp.Div => right == 0 ? double.NaN : left / right,
            BinaryOp.Mod => right == 0 ? double.NaN : left % right,
            BinaryOp.Pow => Math.Pow(left, right),
            _ => throw new NotSupportedException($"unexpected operation: ({LogQLOperators.Name(op)})"),
        };
        return true;
    }

    /// <summary>A vector with a number literal; <paramref name="literalOnLeft"/> keeps the operand order.</summary>
    public static List<StepSeries> WithScalar(BinaryOp op, List<StepSeries> vector, double literal, bool literalOnLeft, bool returnBool, int steps)
    {
        var filter = !returnBool;
        var comparison = IsComparison(op);
        var output = new List<StepSeries>(vector.Count);
        foreach (var s in vector)
        {
            var result = new StepSeries(s.Labels, steps);
            for (var step = 0; step < steps; step++)
            {
                if (!s.Present[step])
                {
                    continue;
                }
                var v = s.Values[step];
                if (TryMerge(op, literalOnLeft ? literal : v, literalOnLeft ? v : literal, filter, out var merged))
                {
                    // A filtering comparison keeps the vector's own value.
                    result.Set(step, comparison && filter ? v : merged);
                }
            }
            if (result.Any())
            {
                output.Add(result);
            }
        }
        return output;
    }

    /// <summary>Two vectors, matched per step.</summary>
    public static List<StepSeries> Vectors(BinaryOpExpr expr, List<StepSeries> lhs, List<StepSeries> rhs, int steps)
    {
        var modifier = expr.Modifier;
        var lsigs = Signatures(lhs, modifier);
        var rsigs = Signatures(rhs, modifier);
        return expr.Op switch
        {
            BinaryOp.And or BinaryOp.Or or BinaryOp.Unless => SetOperation(expr.Op, lhs, rhs, lsigs, rsigs, steps),
            _ => Arithmetic(expr.Op, modifier, lhs, rhs, lsigs, rsigs, steps),
        };
    }

    private static Labels[] Signatures(List<StepSeries> series, BinaryOpModifier modifier)
    {
        var sigs = new Labels[series.Count];
        for (var i = 0; i < sigs.Length; i++)
        {
            var pairs = new List<LabelPair>();
            foreach (var p in series[i].Labels.Pairs)
            {
                if (modifier.MatchingLabels.Contains(p.Name) == modifier.On)
                {
                    pairs.Add(p);
                }
            }
            sigs[i] = Labels.Create(pairs.ToArray());
        }
        return sigs;
    }

    private static List<StepSeries> SetOperation(BinaryOp op, List<StepSeries> lhs, List<StepSeries> rhs, Labels[] lsigs, Labels[] rsigs, int steps)
    {
        var outputs = new Dictionary<Labels, StepSeries>();
        var seen = new HashSet<Labels>();
        for (var step = 0; step < steps; step++)
        {
            seen.Clear();
            var rightSide = op == BinaryOp.Or ? lhs : rhs;
            var rightSigs = op == BinaryOp.Or ? lsigs : rsigs;
            for (var i = 0; i < rightSide.Count; i++)
            {
                if (rightSide[i].Present[step])
                {
                    seen.Add(rightSigs[i]);
                }
            }
            for (var i = 0; i < lhs.Count; i++)
            {
                if (lhs[i].Present[step] && (op == BinaryOp.Or || seen.Contains(lsigs[i]) == (op == BinaryOp.And)))
                {
                    Emit(outputs, lhs[i].Labels, steps, step, lhs[i].Values[step]);
                }
            }
            if (op == BinaryOp.Or)
            {
                for (var i = 0; i < rhs.Count; i++)
                {
                    if (rhs[i].Present[step] && !seen.Contains(rsigs[i]))
                    {
                        Emit(outputs, rhs[i].Labels, steps, step, rhs[i].Values[step]);
                    }
                }
            }
        }
        return [.. outputs.Values];
    }

    private static List<StepSeries> Arithmetic(
        BinaryOp op, BinaryOpModifier modifier, List<StepSeries> lhs, List<StepSeries> rhs, Labels[] lsigs, Labels[] rsigs, int steps)
    {
        // group_right is group_left with the sides swapped; values are swapped back before the operator.
        var swapped = modifier.Card == VectorMatchCardinality.OneToMany;
        if (swapped)
        {
            (lhs, rhs, lsigs, rsigs) = (rhs, lhs, rsigs, lsigs);
        }
        var filter = !modifier.ReturnBool;
        var comparison = IsComparison(op);
        var outputs = new Dictionary<Labels, StepSeries>();
        var metrics = new Dictionary<(int, int), Labels>();
        var rightBySig = new Dictionary<Labels, int>();
        var matched = new Dictionary<Labels, HashSet<Labels>?>();
        for (var step = 0; step < steps; step++)
        {
            rightBySig.Clear();
            matched.Clear();
            for (var i = 0; i < rhs.Count; i++)
            {
                if (rhs[i].Present[step] && !rightBySig.TryAdd(rsigs[i], i))
                {
                    throw new MetricQueryException(DuplicateSeriesError(swapped ? "left" : "right"), 500);
                }
            }
            for (var i = 0; i < lhs.Count; i++)
            {
                if (!lhs[i].Present[step] || !rightBySig.TryGetValue(lsigs[i], out var r))
                {
                    continue;
                }
                if (!metrics.TryGetValue((i, r), out var metric))
                {
                    metrics[(i, r)] = metric = ResultMetric(lhs[i].Labels, rhs[r].Labels, modifier);
                }
                if (modifier.Card == VectorMatchCardinality.OneToOne)
                {
                    if (!matched.TryAdd(lsigs[i], null))
                    {
                        throw new MetricQueryException(ManyToOneError, 500);
                    }
                }
                else
                {
                    if (!matched.TryGetValue(lsigs[i], out var inserted))
                    {
                        matched[lsigs[i]] = inserted = [];
                    }
                    if (!inserted!.Add(metric))
                    {
                        throw new MetricQueryException(GroupingError, 500);
                    }
                }
                var left = swapped ? rhs[r].Values[step] : lhs[i].Values[step];
                var right = swapped ? lhs[i].Values[step] : rhs[r].Values[step];
                if (TryMerge(op, left, right, filter, out var merged))
                {
                    Emit(outputs, metric, steps, step, comparison && filter ? left : merged);
                }
            }
        }
        return [.. outputs.Values];
    }

    /// <summary>The result labels: one-to-one keeps the <c>on</c> labels or drops the <c>ignoring</c> ones; included labels come from the "one" side.</summary>
    private static Labels ResultMetric(Labels many, Labels one, BinaryOpModifier modifier)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in many.Pairs)
        {
            var listed = modifier.MatchingLabels.Contains(p.Name);
            if (modifier.Card != VectorMatchCardinality.OneToOne || (modifier.On ? listed : !listed))
            {
                pairs[p.Name] = p.Value;
            }
        }
        foreach (var name in modifier.Include)
        {
            if (one.Get(name) is { Length: > 0 } v)
            {
                pairs[name] = v;
            }
            else
            {
                pairs.Remove(name);
            }
        }
        var list = new LabelPair[pairs.Count];
        var n = 0;
        foreach (var (name, value) in pairs)
        {
            list[n++] = new LabelPair(name, value);
        }
        return Labels.Create(list);
    }

    private static void Emit(Dictionary<Labels, StepSeries> outputs, Labels labels, int steps, int step, double value)
    {
        if (!outputs.TryGetValue(labels, out var series))
        {
            outputs[labels] = series = new StepSeries(labels, steps);
        }
        series.Set(step, value);
    }
}
