namespace Loggia.Query.Execution;

/// <summary>
/// Compares strings in Unicode code point order, which is Go's byte order of their UTF-8 form (how Loki sorts
/// label strings). Ordinal UTF-16 comparison differs only when a surrogate meets a character in U+E000–U+FFFF.
/// </summary>
internal sealed class LabelStringOrder : IComparer<string>
{
    public static LabelStringOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }
        var n = Math.Min(x.Length, y.Length);
        var i = x.AsSpan(0, n).CommonPrefixLength(y.AsSpan(0, n));
        if (i == n)
        {
            return x.Length.CompareTo(y.Length);
        }
        return Fix(x[i]).CompareTo(Fix(y[i]));
    }

    // Moves surrogates above U+FFFF's BMP neighbours so UTF-16 units order like code points.
    private static int Fix(char c) => c >= 0xD800 ? (c <= 0xDFFF ? c + 0x2000 : c - 0x800) : c;
}
