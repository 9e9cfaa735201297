namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// Finds a range aggregation's series from the values of its <c>by</c> labels, filled into <see cref="Scratch"/>
/// per entry: no label set is built for an entry whose combination was seen before. Generic over the payload so it
/// knows nothing of how series accumulate.
/// </summary>
/// <typeparam name="T">What is stored per combination.</typeparam>
internal sealed class GroupedSeriesIndex<T>(string[] names)
    where T : class
{
    private readonly Dictionary<int, List<(string[] Values, T Item)>> _byHash = [];

    /// <summary>The grouping label names, in the order of <see cref="Scratch"/>.</summary>
    public string[] Names { get; } = names;

    /// <summary>The current entry's values, one per name ("" when absent); filled by the caller.</summary>
    public string[] Scratch { get; } = new string[names.Length];

    /// <summary>Looks up the combination in <see cref="Scratch"/>.</summary>
    public bool TryGet(out T item)
    {
        if (_byHash.TryGetValue(Hash(), out var candidates))
        {
            foreach (var (values, candidate) in candidates)
            {
                if (Same(values))
                {
                    item = candidate;
                    return true;
                }
            }
        }
        item = null!;
        return false;
    }

    /// <summary>Remembers <paramref name="item"/> for the combination in <see cref="Scratch"/>.</summary>
    public void Add(T item)
    {
        var hash = Hash();
        if (!_byHash.TryGetValue(hash, out var candidates))
        {
            _byHash[hash] = candidates = [];
        }
        candidates.Add(((string[])Scratch.Clone(), item));
    }

    private int Hash()
    {
        var hash = new HashCode();
        foreach (var value in Scratch)
        {
            hash.Add(value, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }

    private bool Same(string[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!string.Equals(values[i], Scratch[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}
