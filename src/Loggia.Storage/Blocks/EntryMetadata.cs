using System.Text;
using Loggia.Core.Model;
using Loggia.Core.IO;

namespace Loggia.Storage.Blocks;

/// <summary>
/// An entry's structured metadata as storage keeps it: for each pair, the name and the value as a varint byte length
/// followed by UTF-8. The head holds these bytes in its arena and the block writer copies them into Parquet as they
/// are; pairs are turned back into strings only where a reader needs them.
/// </summary>
/// <remarks>
/// Why bytes and not string pairs: an OTLP record carries about six pairs, so a head full of OTLP entries held
/// millions of small strings and pair arrays that every garbage collection traced and every promotion copied — most
/// of the OTLP append cost. Bytes in the arena's slabs are invisible to the collector.
/// </remarks>
public readonly struct EntryMetadata
{
    private readonly ReadOnlyMemory<byte> _encoded;

    private EntryMetadata(ReadOnlyMemory<byte> encoded) => _encoded = encoded;

    /// <summary>No metadata.</summary>
    public static EntryMetadata Empty => default;

    /// <summary>Whether there are no pairs.</summary>
    public bool IsEmpty => _encoded.IsEmpty;

    /// <summary>The encoded bytes.</summary>
    public ReadOnlyMemory<byte> Encoded => _encoded;

    /// <summary>Wraps bytes written by <see cref="Encode(ReadOnlySpan{LabelPair}, Span{byte})"/> (not validated: storage's own bytes).</summary>
    internal static EntryMetadata FromEncoded(ReadOnlyMemory<byte> encoded) => new(encoded);

    /// <summary>Encodes <paramref name="pairs"/> (null or empty: <see cref="Empty"/>).</summary>
    public static EntryMetadata From(IReadOnlyList<KeyValuePair<string, string>>? pairs)
    {
        if (pairs is null || pairs.Count == 0)
        {
            return Empty;
        }

        int length = 0;
        foreach (var (name, value) in pairs)
        {
            length += StringLength(name) + StringLength(value);
        }

        var bytes = new byte[length];
        int position = 0;
        foreach (var (name, value) in pairs)
        {
            position += WriteString(name, bytes.AsSpan(position));
            position += WriteString(value, bytes.AsSpan(position));
        }

        return new EntryMetadata(bytes);
    }

    /// <summary>The encoded size of <paramref name="pairs"/>.</summary>
    public static int EncodedLength(ReadOnlySpan<LabelPair> pairs)
    {
        int length = 0;
        foreach (LabelPair pair in pairs)
        {
            length += StringLength(pair.Name) + StringLength(pair.Value);
        }

        return length;
    }

    /// <summary>Writes <paramref name="pairs"/> into <paramref name="target"/>: exactly <see cref="EncodedLength(ReadOnlySpan{LabelPair})"/> bytes.</summary>
    public static void Encode(ReadOnlySpan<LabelPair> pairs, Span<byte> target)
    {
        int position = 0;
        foreach (LabelPair pair in pairs)
        {
            position += WriteString(pair.Name, target[position..]);
            position += WriteString(pair.Value, target[position..]);
        }
    }

    /// <summary>The encoded size of one pair given as UTF-8.</summary>
    public static int EncodedLength(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        Leb128.Length((uint)name.Length) + name.Length + Leb128.Length((uint)value.Length) + value.Length;

    /// <summary>Writes one UTF-8 pair into <paramref name="target"/>; returns the bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, Span<byte> target)
    {
        int position = WriteBytes(name, target);
        return position + WriteBytes(value, target[position..]);
    }

    /// <summary>Enumerates the pairs as UTF-8 spans, without allocating.</summary>
    public Enumerator GetEnumerator() => new(_encoded.Span);

    /// <summary>The pairs as new strings (an empty array when there are none).</summary>
    public LabelPair[] ToLabelPairs()
    {
        int count = 0;
        foreach (Pair _ in this)
        {
            count++;
        }

        var pairs = new LabelPair[count];
        int i = 0;
        foreach (Pair pair in this)
        {
            pairs[i++] = new LabelPair(pair.NameString(), pair.ValueString());
        }

        return pairs;
    }

    /// <summary>The pairs as new strings, or null when there are none.</summary>
    public List<KeyValuePair<string, string>>? ToKeyValues()
    {
        if (IsEmpty)
        {
            return null;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (Pair pair in this)
        {
            pairs.Add(new KeyValuePair<string, string>(pair.NameString(), pair.ValueString()));
        }

        return pairs;
    }

    private static int StringLength(string value)
    {
        int bytes = Encoding.UTF8.GetByteCount(value);
        return Leb128.Length((uint)bytes) + bytes;
    }

    private static int WriteString(string value, Span<byte> target)
    {
        int bytes = Encoding.UTF8.GetByteCount(value);
        int position = Leb128.Write(target, (uint)bytes);
        return position + Encoding.UTF8.GetBytes(value, target[position..]);
    }

    private static int WriteBytes(ReadOnlySpan<byte> bytes, Span<byte> target)
    {
        int position = Leb128.Write(target, (uint)bytes.Length);
        bytes.CopyTo(target[position..]);
        return position + bytes.Length;
    }

    /// <summary>One pair as UTF-8 spans into the encoding.</summary>
    public readonly ref struct Pair(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        /// <summary>The name, UTF-8.</summary>
        public ReadOnlySpan<byte> Name { get; } = name;

        /// <summary>The value, UTF-8.</summary>
        public ReadOnlySpan<byte> Value { get; } = value;

        /// <summary>The name as a new string.</summary>
        public string NameString() => Encoding.UTF8.GetString(Name);

        /// <summary>The value as a new string.</summary>
        public string ValueString() => Encoding.UTF8.GetString(Value);
    }

    /// <summary>Walks the encoding pair by pair.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _encoded;
        private int _position;
        private Pair _current;

        internal Enumerator(ReadOnlySpan<byte> encoded)
        {
            _encoded = encoded;
            _position = 0;
            _current = default;
        }

        /// <summary>The current pair.</summary>
        public readonly Pair Current => _current;

        /// <summary>Moves to the next pair.</summary>
        public bool MoveNext()
        {
            if (_position >= _encoded.Length)
            {
                return false;
            }

            ReadOnlySpan<byte> name = ReadBytes();
            ReadOnlySpan<byte> value = ReadBytes();
            _current = new Pair(name, value);
            return true;
        }

        private ReadOnlySpan<byte> ReadBytes()
        {
            // Our own encoding, validated when it was made: a bad varint here is a bug, not bad input.
            if (Leb128.TryRead(_encoded, ref _position, out ulong length) != Leb128Status.Done)
            {
                throw new InvalidOperationException("structured metadata encoding is damaged");
            }

            ReadOnlySpan<byte> bytes = _encoded.Slice(_position, (int)length);
            _position += (int)length;
            return bytes;
        }
    }
}
