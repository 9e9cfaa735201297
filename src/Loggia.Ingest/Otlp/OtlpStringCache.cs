using System.Text;

namespace Loggia.Ingest.Otlp;

/// <summary>
/// Per-request cache of short strings decoded from UTF-8 (attribute names and their label names, severity texts,
/// small attribute values): a batch repeats them on every record, so each is decoded once. Bounded in entry count
/// and string length, so high-cardinality values cost no more than decoding them directly.
/// </summary>
internal sealed class OtlpStringCache
{
    private const int MaxCachedBytes = 64;
    private const int MaxEntries = 2048;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _valueLookup;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;

    public OtlpStringCache()
    {
        _valueLookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();
        _nameLookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Decodes UTF-8 (invalid bytes become U+FFFD), reusing an earlier string with the same text.</summary>
    public string Text(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxCachedBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[MaxCachedBytes];
        int length = Encoding.UTF8.GetChars(utf8, chars);
        ReadOnlySpan<char> text = chars[..length];
        if (_valueLookup.TryGetValue(text, out string? cached))
        {
            return cached;
        }

        string created = text.ToString();
        if (_values.Count < MaxEntries)
        {
            _values[created] = created;
        }

        return created;
    }

    /// <summary>The text of a cached or new string given as chars.</summary>
    public string Text(ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty)
        {
            return string.Empty;
        }

        if (chars.Length > MaxCachedBytes)
        {
            return chars.ToString();
        }

        if (_valueLookup.TryGetValue(chars, out string? cached))
        {
            return cached;
        }

        string created = chars.ToString();
        if (_values.Count < MaxEntries)
        {
            _values[created] = created;
        }

        return created;
    }

    /// <summary>The label name for an attribute name (see <see cref="OtlpLabelNames.Normalize"/>), cached.</summary>
    public string LabelName(string attributeName)
    {
        if (_nameLookup.TryGetValue(attributeName.AsSpan(), out string? cached))
        {
            return cached;
        }

        string normalized = OtlpLabelNames.Normalize(attributeName);
        if (_names.Count < MaxEntries)
        {
            _names[attributeName] = normalized;
        }

        return normalized;
    }
}
