using Loggia.Core.Model;

namespace Loggia.Query.Execution.Metrics;

/// <summary>Prometheus' <c>labels.Compare</c>: pair by pair (name, then value, ordinal), then the shorter set first.</summary>
internal sealed class LabelsOrder : IComparer<Labels>
{
    public static LabelsOrder Instance { get; } = new();

    public int Compare(Labels? x, Labels? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }
        var n = Math.Min(x.Count, y.Count);
        for (var i = 0; i < n; i++)
        {
            var c = string.CompareOrdinal(x[i].Name, y[i].Name);
            if (c != 0)
            {
                return c;
            }
            c = string.CompareOrdinal(x[i].Value, y[i].Value);
            if (c != 0)
            {
                return c;
            }
        }
        return x.Count - y.Count;
    }
}
