using Loggia.Core.Model;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// Loki's vector aggregations step by step: <c>sum/avg/min/max/count/stddev/stdvar</c> by (or without) labels,
/// <c>topk/bottomk</c> (the k largest/smallest series of each group at each step, keeping their labels) and
/// <c>sort/sort_desc</c> (values unchanged; the order matters only for instant queries).
/// </summary>
internal static class VectorAggregationEvaluator
{
    public static List<StepSeries> Apply(VectorAggregationExpr expr, List<StepSeries> input, int steps)
    {
        if (expr.Op is VectorOp.Sort or VectorOp.SortDesc)
        {
            return input;
        }
        var groupOf = new int[input.Count];
        var groups = new List<Labels>();
        var index = new Dictionary<Labels, int>();
        for (var i = 0; i < input.Count; i++)
        {
            var key = GroupLabels(input[i].Labels, expr.Grouping);
            if (!index.TryGetValue(key, out var g))
            {
                index[key] = g = groups.Count;
                groups.Add(key);
            }
            groupOf[i] = g;
        }
        return expr.Op is VectorOp.Topk or VectorOp.Bottomk
            ? SelectK(expr, input, groupOf, groups.Count, steps)
            : Aggregate(expr.Op, input, groupOf, groups, steps);
    }

    /// <summary><c>by</c>: only the listed labels; <c>without</c>: all but the listed labels.</summary>
    internal static Labels GroupLabels(Labels labels, Grouping grouping)
    {
        var pairs = new List<LabelPair>(labels.Count);
        foreach (var pair in labels.Pairs)
        {
            var listed = false;
            foreach (var name in grouping.Labels)
            {
                listed |= name == pair.Name;
            }
            if (listed != grouping.Without)
            {
                pairs.Add(pair);
            }
        }
        return pairs.Count == labels.Count ? labels : Labels.Create(pairs.ToArray());
    }

    private static List<StepSeries> Aggregate(VectorOp op, List<StepSeries> input, int[] groupOf, List<Labels> groups, int steps)
    {
        var output = new StepSeries[groups.Count];
        var mean = new double[groups.Count][];
        var count = new long[groups.Count][];
        for (var g = 0; g < groups.Count; g++)
        {
            output[g] = new StepSeries(groups[g], steps);
            mean[g] = new double[steps];
            count[g] = new long[steps];
        }
        for (var i = 0; i < input.Count; i++)
        {
            var g = groupOf[i];
            var values = output[g].Values;
            var present = output[g].Present;
            var s = input[i];
            for (var step = 0; step < steps; step++)
            {
                if (!s.Present[step])
                {
                    continue;
                }
                var v = s.Values[step];
                var n = ++count[g][step];
                if (!present[step])
                {
                    present[step] = true;
                    values[step] = op is VectorOp.Stddev or VectorOp.Stdvar ? 0 : v;
                    mean[g][step] = v;
                    continue;
                }
                switch (op)
                {
                    case VectorOp.Sum:
                        values[step] += v;
                        break;
                    case VectorOp.Avg:
                        mean[g][step] += (v - mean[g][step]) / n;
                        break;
                    case VectorOp.Max:
                        if (values[step] < v || double.IsNaN(values[step]))
                        {
                            values[step] = v;
                        }
                        break;
                    case VectorOp.Min:
                        if (values[step] > v || double.IsNaN(values[step]))
                        {
                            values[step] = v;
                        }
                        break;
                    case VectorOp.Stddev or VectorOp.Stdvar:
                        var delta = v - mean[g][step];
                        mean[g][step] += delta / n;
                        values[step] += delta * (v - mean[g][step]);
                        break;
                }
            }
        }
        for (var g = 0; g < groups.Count; g++)
        {
            var values = output[g].Values;
            for (var step = 0; step < steps; step++)
            {
                if (!output[g].Present[step])
                {
                    continue;
                }
                var n = count[g][step];
                values[step] = op switch
                {
                    VectorOp.Avg => mean[g][step],
                    VectorOp.Count => n,
                    VectorOp.Stddev => Math.Sqrt(values[step] / n),
                    VectorOp.Stdvar => values[step] / n,
                    _ => values[step],
                };
            }
        }
        return [.. output];
    }

    /// <summary>topk/bottomk per group and step; a NaN ranks below every number, as in Loki's heaps.</summary>
    private static List<StepSeries> SelectK(VectorAggregationExpr expr, List<StepSeries> input, int[] groupOf, int groupCount, int steps)
    {
        var k = expr.Parameter;
        var output = new StepSeries?[input.Count];
        var candidates = new List<int>[groupCount];
        for (var g = 0; g < groupCount; g++)
        {
            candidates[g] = [];
        }
        var top = expr.Op == VectorOp.Topk;
        for (var step = 0; step < steps && k >= 1; step++)
        {
            foreach (var list in candidates)
            {
                list.Clear();
            }
            for (var i = 0; i < input.Count; i++)
            {
                if (input[i].Present[step])
                {
                    candidates[groupOf[i]].Add(i);
                }
            }
            foreach (var list in candidates)
            {
                var s = step;
                list.Sort((a, b) =>
                {
                    var va = input[a].Values[s];
                    var vb = input[b].Values[s];
                    var c = double.IsNaN(va) ? (double.IsNaN(vb) ? 0 : 1) : double.IsNaN(vb) ? -1 : top ? vb.CompareTo(va) : va.CompareTo(vb);
                    return c != 0 ? c : LabelsOrder.Instance.Compare(input[a].Labels, input[b].Labels);
                });
                for (var j = 0; j < list.Count && j < k; j++)
                {
                    var i = list[j];
                    (output[i] ??= new StepSeries(input[i].Labels, steps)).Set(step, input[i].Values[step]);
                }
            }
        }
        var result = new List<StepSeries>();
        foreach (var s in output)
        {
            if (s is not null)
            {
                result.Add(s);
            }
        }
        return result;
    }
}
