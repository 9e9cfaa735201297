using System.Buffers;
using System.Text;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>Loki's <c>appendSanitized</c> over UTF-8 bytes, for building nested JSON label names without strings.</summary>
internal static class Utf8KeySanitizer
{
    /// <summary>
    /// Appends <paramref name="key"/> trimmed of white space, with <c>_</c> before a leading digit and every rune
    /// outside <c>[a-zA-Z0-9_]</c> replaced by <c>_</c>. Returns the new length.
    /// </summary>
    public static int Append(ref byte[] buffer, int length, ReadOnlySpan<byte> key)
    {
        key = Trim(key);
        if (key.IsEmpty)
        {
            return length;
        }
        EnsureCapacity(ref buffer, length + key.Length + 1);
        if (char.IsAsciiDigit((char)key[0]))
        {
            buffer[length++] = (byte)'_';
        }
        var i = 0;
        while (i < key.Length)
        {
            var b = key[i];
            if (b < 0x80)
            {
                buffer[length++] = char.IsAsciiLetterOrDigit((char)b) || b == '_' ? b : (byte)'_';
                i++;
                continue;
            }
            // One '_' per rune (an invalid byte counts as one rune, as in Go).
            var status = Rune.DecodeFromUtf8(key[i..], out _, out var consumed);
            buffer[length++] = (byte)'_';
            i += status == OperationStatus.Done ? consumed : 1;
        }
        return length;
    }

    public static void EnsureCapacity(ref byte[] buffer, int needed)
    {
        if (buffer.Length < needed)
        {
            Array.Resize(ref buffer, Math.Max(needed, buffer.Length * 2));
        }
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> key)
    {
        while (!key.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(key, out var r, out var n) != OperationStatus.Done || !Rune.IsWhiteSpace(r))
            {
                break;
            }
            key = key[n..];
        }
        while (!key.IsEmpty)
        {
            if (Rune.DecodeLastFromUtf8(key, out var r, out var n) != OperationStatus.Done || !Rune.IsWhiteSpace(r))
            {
                break;
            }
            key = key[..^n];
        }
        return key;
    }
}
