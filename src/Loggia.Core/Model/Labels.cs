using System.Buffers;
using System.Text;
using Loggia.Core.Hashing;

namespace Loggia.Core.Model;

/// <summary>
/// An immutable label set: name/value pairs sorted by name (ordinal), then value. This is a stream's identity.
/// </summary>
/// <remarks>
/// <para>
/// As in Prometheus and Loki, a label with an empty value is the same as an absent label, so empty values are
/// dropped on construction. Duplicate names are kept (not merged) so that validation can report them the way Loki
/// does (<c>duplicate_label_names</c>); see <see cref="TryGetDuplicateName"/>.
/// </para>
/// <para>
/// <see cref="ToString"/> prints Loki's canonical form (<c>{app="api", env="prod"}</c>, values quoted like Go's
/// <c>strconv.Quote</c>), and <see cref="Fingerprint"/> hashes the pairs with XXH64 using the same layout as
/// Prometheus' <c>labels.Hash()</c>. Both are computed once and cached.
/// </para>
/// </remarks>
public sealed class Labels : IEquatable<Labels>
{
    /// <summary>Separator byte between names and values in the fingerprint layout: 0xFF never occurs in UTF-8.</summary>
    private const byte FingerprintSeparator = 0xFF;

    private readonly LabelPair[] _pairs;
    private string? _canonical;
    private ulong _fingerprint;
    private bool _hasFingerprint;

    private Labels(LabelPair[] sortedPairs)
    {
        _pairs = sortedPairs;
    }

    /// <summary>The empty label set (<c>{}</c>).</summary>
    public static Labels Empty { get; } = new([]);

    /// <summary>The number of pairs.</summary>
    public int Count => _pairs.Length;

    /// <summary>The pairs, sorted by name then value.</summary>
    public ReadOnlySpan<LabelPair> Pairs => _pairs;

    /// <summary>The pair at <paramref name="index"/> in sorted order.</summary>
    public LabelPair this[int index] => _pairs[index];

    /// <summary>Creates a label set from pairs in any order; empty values are dropped.</summary>
    public static Labels Create(ReadOnlySpan<LabelPair> pairs)
    {
        int nonEmpty = 0;
        foreach (LabelPair pair in pairs)
        {
            ArgumentNullException.ThrowIfNull(pair.Name, nameof(pairs));
            ArgumentNullException.ThrowIfNull(pair.Value, nameof(pairs));
            if (pair.Value.Length != 0)
            {
                nonEmpty++;
            }
        }

        if (nonEmpty == 0)
        {
            return Empty;
        }

        var copy = new LabelPair[nonEmpty];
        int i = 0;
        foreach (LabelPair pair in pairs)
        {
            if (pair.Value.Length != 0)
            {
                copy[i++] = pair;
            }
        }

        Array.Sort(copy, ComparePairs);
        return new Labels(copy);
    }

    /// <summary>Creates a label set from name/value tuples (convenience for tests and configuration).</summary>
    public static Labels Create(params ReadOnlySpan<(string Name, string Value)> pairs)
    {
        var list = new LabelPair[pairs.Length];
        for (int i = 0; i < pairs.Length; i++)
        {
            list[i] = new LabelPair(pairs[i].Name, pairs[i].Value);
        }

        return Create(list);
    }

    /// <summary>
    /// Parses Loki's label string syntax, e.g. <c>{app="api", env="prod"}</c>, as Loki's push path does
    /// (Prometheus' <c>ParseMetric</c>): values in double quotes, single quotes or backticks, Go string escapes, an
    /// optional trailing comma; only <c>=</c> is allowed; empty values are dropped.
    /// </summary>
    /// <param name="text">The label string.</param>
    /// <param name="labels">The parsed labels, or <see cref="Empty"/> on failure.</param>
    /// <param name="error">On failure, a message in the Prometheus parser's style (<c>1:7: parse error: …</c>).</param>
    public static bool TryParse(ReadOnlySpan<char> text, out Labels labels, out string? error)
    {
        if (LabelsParser.TryParse(text, out LabelPair[]? pairs, out error))
        {
            labels = Create(pairs);
            return true;
        }

        labels = Empty;
        return false;
    }

    /// <summary>Parses a label string or throws <see cref="FormatException"/> (for tests and configuration).</summary>
    public static Labels Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out Labels labels, out string? error) ? labels : throw new FormatException(error);
    }

    /// <summary>The value of the first label named <paramref name="name"/>, or <see langword="null"/> if absent.</summary>
    public string? Get(string name)
    {
        foreach (LabelPair pair in _pairs)
        {
            if (string.Equals(pair.Name, name, StringComparison.Ordinal))
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>Whether a label named <paramref name="name"/> is present.</summary>
    public bool Has(string name) => Get(name) is not null;

    /// <summary>Finds the first name that occurs more than once (pairs are sorted, so duplicates are adjacent).</summary>
    public bool TryGetDuplicateName(out string? name)
    {
        for (int i = 1; i < _pairs.Length; i++)
        {
            if (string.Equals(_pairs[i - 1].Name, _pairs[i].Name, StringComparison.Ordinal))
            {
                name = _pairs[i].Name;
                return true;
            }
        }

        name = null;
        return false;
    }

    /// <summary>
    /// The stream fingerprint: XXH64 (seed 0) over, for each pair in sorted order, the UTF-8 name, a 0xFF byte, the
    /// UTF-8 value and a 0xFF byte. This is the layout of Prometheus' <c>labels.Hash()</c>. It is persisted, so it
    /// must never change.
    /// </summary>
    public ulong Fingerprint
    {
        get
        {
            if (!_hasFingerprint)
            {
                _fingerprint = ComputeFingerprint(_pairs);
                _hasFingerprint = true;
            }

            return _fingerprint;
        }
    }

    /// <summary>The stream id carrying <see cref="Fingerprint"/>.</summary>
    public StreamId StreamId => new(Fingerprint);

    /// <summary>
    /// Prints pairs in the given order in Loki's label string syntax (<c>{a="1", b="2"}</c>, Go-quoted values),
    /// without sorting, validating or dropping empty values: this is how Loki turns a JSON stream object into the
    /// label string it then parses.
    /// </summary>
    public static string Format(ReadOnlySpan<LabelPair> pairs) => LabelsFormatter.Format(pairs);

    /// <summary>Loki's canonical form: <c>{a="1", b="2"}</c>, sorted, values quoted like Go's <c>strconv.Quote</c>.</summary>
    public override string ToString() => _canonical ??= LabelsFormatter.Format(_pairs);

    /// <inheritdoc/>
    public bool Equals(Labels? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._pairs.Length != _pairs.Length)
        {
            return false;
        }

        for (int i = 0; i < _pairs.Length; i++)
        {
            if (!string.Equals(_pairs[i].Name, other._pairs[i].Name, StringComparison.Ordinal)
                || !string.Equals(_pairs[i].Value, other._pairs[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Labels);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)Fingerprint;

    /// <summary>Value equality.</summary>
    public static bool operator ==(Labels? left, Labels? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Labels? left, Labels? right) => !(left == right);

    private static int ComparePairs(LabelPair x, LabelPair y)
    {
        int byName = string.CompareOrdinal(x.Name, y.Name);
        return byName != 0 ? byName : string.CompareOrdinal(x.Value, y.Value);
    }

    private static ulong ComputeFingerprint(LabelPair[] pairs)
    {
        int size = 0;
        foreach (LabelPair pair in pairs)
        {
            size += Encoding.UTF8.GetByteCount(pair.Name) + Encoding.UTF8.GetByteCount(pair.Value) + 2;
        }

        byte[]? rented = null;
        Span<byte> buffer = size <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            int at = 0;
            foreach (LabelPair pair in pairs)
            {
                at += Encoding.UTF8.GetBytes(pair.Name, buffer[at..]);
                buffer[at++] = FingerprintSeparator;
                at += Encoding.UTF8.GetBytes(pair.Value, buffer[at..]);
                buffer[at++] = FingerprintSeparator;
            }

            return XxHash64.Hash(buffer[..at]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
