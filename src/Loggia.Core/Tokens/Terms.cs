using System.Buffers;
using System.Text;
using Loggia.Core.Hashing;

namespace Loggia.Core.Tokens;

/// <summary>
/// The token definition shared by the block writer (bloom filters) and the query planner (required tokens).
/// A term is a maximal run of Unicode letters and digits in UTF-8 text that holds at least one letter (numbers are not
/// terms: ADR 0006), lower-cased rune by rune with the invariant culture and hashed with XXH64 (seed 0) over its
/// lower-cased UTF-8 bytes. Format: docs/formats/tokens.md.
/// </summary>
/// <remarks>Hashes are persisted in block sidecars: changing anything here needs a new <see cref="Version"/>.</remarks>
public static class Terms
{
    /// <summary>The definition's version, written next to every filter built from it.</summary>
    public const byte Version = 2;

    /// <summary>
    /// Whether filters and term data built with token definition <paramref name="version"/> can answer for this one.
    /// Version 1 also made terms of numbers; its hashes of every other term are the same, so its data holds a superset
    /// of this version's terms and never rules out a match.
    /// </summary>
    public static bool IsReadable(byte version) => version is 1 or Version;

    /// <summary>
    /// Terms are hashed over at most this many lower-cased bytes (whole runes only): longer runs are hashed by their
    /// prefix, identically when writing and when querying, so a long term still matches itself.
    /// </summary>
    public const int MaxTermBytes = 128;

    /// <summary>Pairs up to this size are folded on the stack; larger ones use a pooled buffer.</summary>
    private const int StackPairBytes = 512;

    /// <summary>Enumerates the terms of <paramref name="utf8"/>; <paramref name="scratch"/> needs <see cref="MaxTermBytes"/> bytes.</summary>
    public static TermEnumerator Enumerate(ReadOnlySpan<byte> utf8, Span<byte> scratch) => new(utf8, scratch);

    /// <summary>The hash of the structured-metadata pair <c>name=value</c>, lower-cased as a whole (not split into terms).</summary>
    public static ulong HashPair(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        // The text as UTF-8 (an unpaired surrogate becomes U+FFFD, as an invalid byte folds in the UTF-8 form).
        var nameBytes = Encoding.UTF8.GetByteCount(name);
        var bound = nameBytes + Encoding.UTF8.GetByteCount(value);
        byte[]? rented = null;
        var buffer = bound <= StackPairBytes ? stackalloc byte[StackPairBytes] : (rented = ArrayPool<byte>.Shared.Rent(bound));
        try
        {
            Encoding.UTF8.GetBytes(name, buffer);
            var valueBytes = Encoding.UTF8.GetBytes(value, buffer[nameBytes..]);
            return HashPair(buffer[..nameBytes], buffer.Slice(nameBytes, valueBytes));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// <see cref="HashPair(string, string)"/> for a pair given as UTF-8 (the same hash for the same text; an invalid
    /// byte folds to U+FFFD, as an unpaired surrogate does in the string form).
    /// </summary>
    public static ulong HashPair(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        // A rune's lower case never takes more than three times the bytes it came in (an invalid byte becomes U+FFFD).
        var bound = ((name.Length + value.Length) * 3) + 1;
        byte[]? rented = null;
        var buffer = bound <= StackPairBytes ? stackalloc byte[StackPairBytes] : (rented = ArrayPool<byte>.Shared.Rent(bound));
        try
        {
            var length = Fold(name, buffer);
            buffer[length++] = (byte)'=';
            length += Fold(value, buffer[length..]);
            return XxHash64.Hash(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The hash of one term given as text (lower-cased and truncated as the enumerator does); for tests and tools.</summary>
    public static ulong HashTerm(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        Span<byte> scratch = stackalloc byte[MaxTermBytes];
        var length = 0;
        foreach (var rune in term.EnumerateRunes())
        {
            var lower = Rune.ToLowerInvariant(rune);
            if (length + lower.Utf8SequenceLength > MaxTermBytes)
            {
                break;
            }

            length += lower.EncodeToUtf8(scratch[length..]);
        }

        return XxHash64.Hash(scratch[..length]);
    }

    private static int Fold(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        var written = 0;
        while (!utf8.IsEmpty)
        {
            Rune.DecodeFromUtf8(utf8, out var rune, out var consumed);
            written += Rune.ToLowerInvariant(rune).EncodeToUtf8(destination[written..]);
            utf8 = utf8[consumed..];
        }

        return written;
    }
}
