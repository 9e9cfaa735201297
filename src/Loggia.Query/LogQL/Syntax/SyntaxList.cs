using System.Collections;

namespace Loggia.Query.LogQL.Syntax;

/// <summary>An immutable list with value equality, so AST records compare structurally.</summary>
public sealed class SyntaxList<T> : IReadOnlyList<T>, IEquatable<SyntaxList<T>>
{
    private readonly T[] _items;

    /// <summary>Creates a list holding a copy of <paramref name="items"/>.</summary>
    public SyntaxList(IEnumerable<T> items) => _items = [.. items];

    /// <summary>The empty list.</summary>
#pragma warning disable CA1000 // A typed empty singleton is the natural API here.
    public static SyntaxList<T> Empty { get; } = new([]);
#pragma warning restore CA1000

    /// <inheritdoc/>
    public T this[int index] => _items[index];

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(SyntaxList<T>? other)
    {
        if (other is null || other._items.Length != _items.Length)
        {
            return false;
        }
        var cmp = EqualityComparer<T>.Default;
        for (var i = 0; i < _items.Length; i++)
        {
            if (!cmp.Equals(_items[i], other._items[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SyntaxList<T>);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var item in _items)
        {
            h.Add(item);
        }
        return h.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(",", _items);
}

/// <summary>Factory helpers for <see cref="SyntaxList{T}"/>.</summary>
public static class SyntaxList
{
    /// <summary>Creates a list from the given items.</summary>
    public static SyntaxList<T> Of<T>(params T[] items) => items.Length == 0 ? SyntaxList<T>.Empty : new SyntaxList<T>(items);
}
