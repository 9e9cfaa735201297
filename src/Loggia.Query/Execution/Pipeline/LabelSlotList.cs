namespace Loggia.Query.Execution.Pipeline;

/// <summary>A small reusable list of <see cref="LabelSlot"/>s searched linearly (entries carry a handful of labels).</summary>
internal sealed class LabelSlotList
{
    private LabelSlot[] _items = new LabelSlot[8];

    // One bit per (length, first char) of the names added since the last Clear: most lookups of a name that is not
    // in the list (every new label a parser adds) end here instead of comparing it with each name. Removals leave
    // their bit set, which only costs a scan.
    private ulong _names;

    private static ulong Bit(string name) => 1UL << (((name.Length * 7) + (name.Length == 0 ? 0 : name[0])) & 63);

    public int Count { get; private set; }

    public Span<LabelSlot> Items => _items.AsSpan(0, Count);

    public ref LabelSlot this[int index] => ref _items[index];

    public void Clear()
    {
        Count = 0;
        _names = 0;
    }

    public int IndexOf(string name)
    {
        if ((_names & Bit(name)) == 0)
        {
            return -1;
        }
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

    public void Add(in LabelSlot slot)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }
        _items[Count++] = slot;
        _names |= Bit(slot.Name);
    }

    /// <summary>Makes <paramref name="target"/> a copy of this list.</summary>
    public void CopyTo(LabelSlotList target)
    {
        if (target._items.Length < Count)
        {
            target._items = new LabelSlot[_items.Length];
        }
        Items.CopyTo(target._items);
        target.Count = Count;
        target._names = _names;
    }

    /// <summary>Removes every slot named <paramref name="name"/>, keeping the order of the others.</summary>
    public void Remove(string name)
    {
        if ((_names & Bit(name)) == 0)
        {
            return;
        }
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
