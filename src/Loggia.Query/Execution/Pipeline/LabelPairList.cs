using Loggia.Core.Model;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>A small reusable list of label pairs searched linearly (entries carry a handful of labels).</summary>
internal sealed class LabelPairList
{
    private LabelPair[] _items = new LabelPair[8];

    public int Count { get; private set; }

    public ReadOnlySpan<LabelPair> Items => _items.AsSpan(0, Count);

    public ref LabelPair this[int index] => ref _items[index];

    public void Clear() => Count = 0;

    public int IndexOf(string name)
    {
        var items = _items;
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(items[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    public bool Contains(string name) => IndexOf(name) >= 0;

    public void Add(LabelPair pair)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }
        _items[Count++] = pair;
    }

    /// <summary>Removes every pair named <paramref name="name"/>, keeping the order of the others.</summary>
    public void Remove(string name)
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            if (!string.Equals(_items[i].Name, name, StringComparison.Ordinal))
            {
                _items[kept++] = _items[i];
            }
        }
        Count = kept;
    }
}
