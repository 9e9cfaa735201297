using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// Turns UTF-8 label values into strings, reusing the same instance for repeated values (per processor), so
/// parsing a line allocates only for values not seen before.
/// </summary>
internal sealed class LabelValueInterner
{
    private readonly Utf8Cache<string> _cache = new();

    /// <summary>The string for <paramref name="value"/> as is (invalid UTF-8 decodes to U+FFFD).</summary>
    public string Get(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return "";
        }
        if (_cache.TryGet(value, out var s))
        {
            return s;
        }
        s = Encoding.UTF8.GetString(value);
        _cache.Add(value, s);
        return s;
    }

    /// <summary>
    /// The string for <paramref name="value"/> with every invalid UTF-8 byte and every U+FFFD replaced by a space:
    /// Loki's parsers do this because Prometheus rejects the replacement character in label values.
    /// </summary>
    public string GetReplacingInvalid(ReadOnlySpan<byte> value)
    {
        if (Ascii.IsValid(value) || (Utf8.IsValid(value) && value.IndexOf("\uFFFD"u8) < 0))
        {
            return Get(value);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(value.Length * 3);
        try
        {
            var n = ReplaceInvalid(value, buffer);
            return Get(buffer.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int ReplaceInvalid(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var written = 0;
        while (!source.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(source, out var rune, out var consumed);
            if (status == OperationStatus.Done && rune.Value != 0xFFFD)
            {
                source[..consumed].CopyTo(target[written..]);
                written += consumed;
                source = source[consumed..];
                continue;
            }
            // Go ranges over an invalid sequence one byte at a time, each becoming one RuneError.
            target[written++] = (byte)' ';
            source = source[(status == OperationStatus.Done ? consumed : 1)..];
        }
        return written;
    }
}
