using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;
using Loggia.Core.Hashing;

namespace Loggia.Core.Tokens;

/// <summary>
/// Walks the terms of UTF-8 text without allocating: each step finds the next maximal run of letters and digits,
/// lower-cases it into the caller's scratch buffer and hashes it. Most log lines are ASCII: theirs are classified
/// 64 bytes at a time with vector compares into bit masks (word byte, letter, upper case), and runs are found with
/// bit scans instead of a branch per byte. Other lines are walked byte by byte, non-ASCII bytes decoded as runes
/// (invalid sequences separate terms, like punctuation). Both walks give the same terms (tested against each other).
/// </summary>
public ref struct TermEnumerator
{
    private const int WindowBytes = 64;
    private readonly ReadOnlySpan<byte> _text;
    private readonly Span<byte> _scratch;
    private readonly bool _ascii;
    private int _position;

    // The classified window of an ASCII text: its offset and a bit per byte (bit k: byte window + k).
    private int _window;
    private ulong _wordBytes;
    private ulong _letters;
    private ulong _upperCase;

    internal TermEnumerator(ReadOnlySpan<byte> text, Span<byte> scratch)
        : this(text, scratch, vectorized: true)
    {
    }

    /// <summary>With <paramref name="vectorized"/> false, every text takes the byte-by-byte walk (for tests).</summary>
    internal TermEnumerator(ReadOnlySpan<byte> text, Span<byte> scratch, bool vectorized)
    {
        if (scratch.Length < Terms.MaxTermBytes)
        {
            throw new ArgumentException($"the scratch buffer needs {Terms.MaxTermBytes} bytes", nameof(scratch));
        }

        _text = text;
        _scratch = scratch;
        _position = 0;
        _ascii = vectorized && Vector128.IsHardwareAccelerated && Ascii.IsValid(text);
        _window = -1;
        _wordBytes = _letters = _upperCase = 0;
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
        while (_ascii ? NextAsciiRun(out var folded, out var hasLetter) : NextRun(out folded, out hasLetter))
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
    /// <see cref="NextRun"/> for an ASCII text, from the bit masks of its 64-byte windows: the run starts at the next
    /// word bit and ends at the next clear one; whether it holds a letter or an upper-case letter is a mask test.
    /// </summary>
    private bool NextAsciiRun(out int folded, out bool hasLetter)
    {
        var text = _text;
        var i = _position;
        folded = -1;
        hasLetter = false;
        while (true)
        {
            if (i >= text.Length)
            {
                _position = i;
                return false;
            }

            var window = i & ~(WindowBytes - 1);
            if (window != _window)
            {
                Classify(window);
            }

            var starts = _wordBytes & (ulong.MaxValue << (i - window));
            if (starts != 0)
            {
                i = window + BitOperations.TrailingZeroCount(starts);
                break;
            }

            i = window + WindowBytes;
        }

        var start = i;
        var upper = false;
        while (true)
        {
            var window = i & ~(WindowBytes - 1);
            if (window != _window)
            {
                Classify(window);
            }

            var from = ulong.MaxValue << (i - window);
            var stops = ~_wordBytes & from;
            var end = stops != 0 ? BitOperations.TrailingZeroCount(stops) : WindowBytes;
            var run = end == WindowBytes ? from : from & ((1UL << end) - 1);
            hasLetter |= (_letters & run) != 0;
            upper |= (_upperCase & run) != 0;
            i = window + end;
            if (end < WindowBytes || i >= text.Length)
            {
                break;
            }
        }

        // Bytes past the end classify as separators, so the run ends within the text.
        Start = start;
        Length = i - start;
        _position = i;
        if (upper)
        {
            var length = Math.Min(Length, Terms.MaxTermBytes);
            for (var k = 0; k < length; k++)
            {
                var b = text[start + k];
                _scratch[k] = (uint)(b - 'A') <= 'Z' - 'A' ? (byte)(b | 0x20) : b;
            }

            folded = length;
        }

        return true;
    }

    /// <summary>Computes the masks of the 64 bytes from <paramref name="window"/> (past the end: separators).</summary>
    private void Classify(int window)
    {
        _window = window;
        if (_text.Length - window >= WindowBytes)
        {
            Classify(_text.Slice(window, WindowBytes));
        }
        else
        {
            Span<byte> padded = stackalloc byte[WindowBytes];
            padded.Clear();
            _text[window..].CopyTo(padded);
            Classify(padded);
        }
    }

    private void Classify(scoped ReadOnlySpan<byte> bytes)
    {
        ulong words = 0, letters = 0, upper = 0;
        for (var k = 0; k < WindowBytes; k += Vector128<byte>.Count)
        {
            var v = Vector128.Create(bytes.Slice(k, Vector128<byte>.Count));
            // Unsigned byte compares after a wrapping subtraction: x - lo <= hi - lo tests lo <= x <= hi.
            var digit = Vector128.LessThanOrEqual(v - Vector128.Create((byte)'0'), Vector128.Create((byte)9));
            var isUpper = Vector128.LessThanOrEqual(v - Vector128.Create((byte)'A'), Vector128.Create((byte)('Z' - 'A')));
            var isLower = Vector128.LessThanOrEqual(v - Vector128.Create((byte)'a'), Vector128.Create((byte)('z' - 'a')));
            var letter = isUpper | isLower;
            words |= (ulong)(digit | letter).ExtractMostSignificantBits() << k;
            letters |= (ulong)letter.ExtractMostSignificantBits() << k;
            upper |= (ulong)isUpper.ExtractMostSignificantBits() << k;
        }

        _wordBytes = words;
        _letters = letters;
        _upperCase = upper;
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
