using System.Runtime.CompilerServices;
using System.Text;
using Loggia.Core.Hashing;

namespace Loggia.Core.Tokens;

/// <summary>
/// Walks the terms of UTF-8 text without allocating: each step finds the next maximal run of letters and digits,
/// lower-cases it into the caller's scratch buffer and hashes it. ASCII bytes take a table lookup; other bytes are
/// decoded as runes (invalid sequences separate terms, like punctuation).
/// </summary>
public ref struct TermEnumerator
{
    private readonly ReadOnlySpan<byte> _text;
    private readonly Span<byte> _scratch;
    private int _position;

    internal TermEnumerator(ReadOnlySpan<byte> text, Span<byte> scratch)
    {
        if (scratch.Length < Terms.MaxTermBytes)
        {
            throw new ArgumentException($"the scratch buffer needs {Terms.MaxTermBytes} bytes", nameof(scratch));
        }

        _text = text;
        _scratch = scratch;
        _position = 0;
    }

    /// <summary>The current term's hash.</summary>
    public ulong Current { get; private set; }

    /// <summary>Byte offset of the current term in the text.</summary>
    public int Start { get; private set; }

    /// <summary>Byte length of the current term in the text (before lower-casing).</summary>
    public int Length { get; private set; }

    /// <summary>Whether the current term touches neither end of the text (a separator on each side).</summary>
    public readonly bool IsInterior => Start > 0 && Start + Length < _text.Length;

    /// <summary>This enumerator (for <c>foreach</c>).</summary>
    public readonly TermEnumerator GetEnumerator() => this;

    /// <summary>Advances to the next term.</summary>
    public bool MoveNext()
    {
        // A run without a letter (a number) is not a term: skip it without hashing.
        while (NextRun(out var folded, out var hasLetter))
        {
            if (hasLetter)
            {
                Current = folded < 0
                    ? XxHash64.Hash(_text.Slice(Start, Math.Min(Length, Terms.MaxTermBytes)))
                    : XxHash64.Hash(_scratch[..folded]);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Finds the next run of letters and digits and sets <see cref="Start"/> and <see cref="Length"/>;
    /// <paramref name="folded"/> is the length of its lower-cased form in the scratch buffer, or -1 when the text
    /// itself is lower-case ASCII and is hashed where it is.
    /// </summary>
    private bool NextRun(out int folded, out bool hasLetter)
    {
        var text = _text;
        var i = _position;
        folded = -1;
        hasLetter = false;
        // Skip separators.
        while (i < text.Length)
        {
            var b = text[i];
            if (b < 0x80)
            {
                if (IsAsciiWord(b))
                {
                    break;
                }

                i++;
                continue;
            }

            if (IsWordRune(text[i..], out var consumed, out _))
            {
                break;
            }

            i += consumed;
        }

        if (i >= text.Length)
        {
            _position = i;
            return false;
        }

        var start = i;

        // Most terms are lower-case ASCII already: such a term is hashed where it is, without folding a copy.
        while (i < text.Length && IsLowerAsciiWord(text[i]))
        {
            // Digits sort below letters.
            hasLetter |= text[i] >= (byte)'a';
            i++;
        }

        if (i >= text.Length || (text[i] < 0x80 && !IsAsciiWord(text[i])))
        {
            Start = start;
            Length = i - start;
            _position = i;
            return true;
        }

        // An upper-case letter or a non-ASCII byte follows: fold from here on, after the prefix already read.
        var length = Math.Min(i - start, Terms.MaxTermBytes);
        text.Slice(start, length).CopyTo(_scratch);
        var full = i - start > Terms.MaxTermBytes;
        while (i < text.Length)
        {
            var b = text[i];
            if (b < 0x80)
            {
                if (!IsAsciiWord(b))
                {
                    break;
                }

                hasLetter |= b >= (byte)'A';
                if (!full)
                {
                    if (length < Terms.MaxTermBytes)
                    {
                        _scratch[length++] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
                    }
                    else
                    {
                        full = true;
                    }
                }

                i++;
                continue;
            }

            if (!IsWordRune(text[i..], out var consumed, out var rune))
            {
                break;
            }

            hasLetter |= Rune.IsLetter(rune);
            if (!full)
            {
                var lower = Rune.ToLowerInvariant(rune);
                if (length + lower.Utf8SequenceLength <= Terms.MaxTermBytes)
                {
                    length += lower.EncodeToUtf8(_scratch[length..]);
                }
                else
                {
                    // Truncate at a whole rune; later runes of the run are not appended either.
                    full = true;
                }
            }

            i += consumed;
        }

        Start = start;
        Length = i - start;
        folded = length;
        _position = i;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsLowerAsciiWord(byte b) => (uint)(b - 'a') <= 'z' - 'a' || (uint)(b - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsAsciiWord(byte b) => (uint)(b - '0') <= 9 || (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsWordRune(ReadOnlySpan<byte> text, out int consumed, out Rune rune)
    {
        var status = Rune.DecodeFromUtf8(text, out rune, out consumed);
        if (consumed == 0)
        {
            consumed = 1;
        }

        return status == System.Buffers.OperationStatus.Done && Rune.IsLetterOrDigit(rune);
    }
}
