using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Loggia.Ingest.Journald;

/// <summary>
/// Reads the Journal Export Format (<c>journalctl -o export</c>, <c>application/vnd.fdo.journal</c>) one entry at a
/// time from a buffer that may end anywhere: text fields <c>NAME=value\n</c>, binary fields <c>NAME\n</c> + 64-bit
/// little-endian length + bytes + <c>\n</c>, entries ended by a blank line. Fields are reported as offsets
/// (<see cref="JournalField"/>), so a streaming caller can keep its buffer and read on when told
/// <see cref="JournalReadStatus.NeedMoreData"/>.
/// </summary>
public static class JournalExportReader
{
    /// <summary>journald's own limit on field names (<c>JOURNAL_FIELD_NAME_MAX</c> is 64); longer lines are never a binary field's name.</summary>
    public const int MaxFieldNameLength = 64;

    /// <summary>
    /// Reads the entry at the start of <paramref name="input"/>. <paramref name="isFinalBlock"/> says no more input
    /// follows: an entry may then end at the end of the input without its blank line, and anything cut short is
    /// <see cref="JournalReadStatus.Malformed"/>. A field value longer than <paramref name="maxFieldBytes"/> is
    /// <see cref="JournalReadStatus.FieldTooLarge"/> (checked before the whole field arrived, so a buffer never
    /// grows past it). <paramref name="consumed"/> is the entry's length including blank lines (on
    /// <see cref="JournalReadStatus.Entry"/> and <see cref="JournalReadStatus.EndOfData"/>), else the offset of the
    /// field in error; <paramref name="error"/> says what was wrong.
    /// </summary>
    public static JournalReadStatus TryReadEntry(ReadOnlySpan<byte> input, bool isFinalBlock, int maxFieldBytes, List<JournalField> fields, out int consumed, out string? error)
    {
        ArgumentNullException.ThrowIfNull(fields);
        fields.Clear();
        error = null;
        int pos = 0;
        // Blank lines between entries (a producer may write more than one) are not entries.
        while (pos < input.Length && input[pos] == (byte)'\n')
        {
            pos++;
        }

        consumed = 0;
        if (pos == input.Length)
        {
            consumed = pos;
            return isFinalBlock ? JournalReadStatus.EndOfData : JournalReadStatus.NeedMoreData;
        }

        while (true)
        {
            if (pos == input.Length)
            {
                // The last entry of a body may lack its blank line; a field boundary is a clean end.
                consumed = pos;
                return isFinalBlock ? JournalReadStatus.Entry : NeedMore(out consumed);
            }

            if (input[pos] == (byte)'\n')
            {
                consumed = pos + 1;
                return JournalReadStatus.Entry;
            }

            var rest = input[pos..];
            int newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                consumed = pos;
                if (rest.Length > (long)maxFieldBytes + MaxFieldNameLength + 1)
                {
                    error = Invariant($"a field ('{Preview(rest)}…') is longer than the limit of {maxFieldBytes} bytes");
                    return JournalReadStatus.FieldTooLarge;
                }

                if (isFinalBlock)
                {
                    error = $"the data ends inside a field ('{Preview(rest)}'): a field must end with a newline";
                    return JournalReadStatus.Malformed;
                }

                return NeedMore(out consumed);
            }

            var line = rest[..newline];
            int equals = line.IndexOf((byte)'=');
            if (equals >= 0)
            {
                if (equals == 0)
                {
                    consumed = pos;
                    error = $"a field has no name ('{Preview(line)}')";
                    return JournalReadStatus.Malformed;
                }

                if (newline - equals - 1 > maxFieldBytes)
                {
                    consumed = pos;
                    error = Invariant($"field {Preview(line[..equals])} is {newline - equals - 1} bytes, longer than the limit of {maxFieldBytes} bytes");
                    return JournalReadStatus.FieldTooLarge;
                }

                fields.Add(new JournalField(pos, equals, pos + equals + 1, newline - equals - 1, false));
                pos += newline + 1;
                continue;
            }

            // No '=': the name line of a binary field, which must be a journald field name.
            if (!IsFieldName(line))
            {
                consumed = pos;
                error = $"missing '=' in '{Preview(line)}' (neither NAME=value nor the name of a binary field)";
                return JournalReadStatus.Malformed;
            }

            if (rest.Length < newline + 1 + sizeof(ulong))
            {
                consumed = pos;
                if (isFinalBlock)
                {
                    error = $"binary field {Encoding.ASCII.GetString(line)} is truncated: the data ends inside its length";
                    return JournalReadStatus.Malformed;
                }

                return NeedMore(out consumed);
            }

            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(rest.Slice(newline + 1, sizeof(ulong)));
            if (length > (ulong)maxFieldBytes)
            {
                consumed = pos;
                error = Invariant($"binary field {Encoding.ASCII.GetString(line)} declares {length} bytes, longer than the limit of {maxFieldBytes} bytes");
                return JournalReadStatus.FieldTooLarge;
            }

            long end = newline + 1L + sizeof(ulong) + (long)length;
            if (rest.Length <= end)
            {
                consumed = pos;
                if (isFinalBlock)
                {
                    error = Invariant($"binary field {Encoding.ASCII.GetString(line)} declares {length} bytes but the data ends after {Math.Max(0, rest.Length - newline - 1 - sizeof(ulong))}");
                    return JournalReadStatus.Malformed;
                }

                return NeedMore(out consumed);
            }

            if (rest[(int)end] != (byte)'\n')
            {
                consumed = pos;
                error = Invariant($"binary field {Encoding.ASCII.GetString(line)} of {length} bytes is not followed by a newline");
                return JournalReadStatus.Malformed;
            }

            fields.Add(new JournalField(pos, newline, pos + newline + 1 + sizeof(ulong), (int)length, true));
            pos += (int)end + 1;
        }
    }

    /// <summary>journald's rule for field names: 1–64 of <c>A–Z</c>, <c>0–9</c>, <c>_</c>, not starting with a digit.</summary>
    public static bool IsFieldName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > MaxFieldNameLength || char.IsAsciiDigit((char)name[0]))
        {
            return false;
        }

        foreach (byte b in name)
        {
            if (!((uint)(b - 'A') <= 'Z' - 'A' || (uint)(b - '0') <= 9 || b == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static JournalReadStatus NeedMore(out int consumed)
    {
        consumed = 0;
        return JournalReadStatus.NeedMoreData;
    }

    /// <summary>The start of a bad field for an error message, control characters shown as '?'.</summary>
    private static string Preview(ReadOnlySpan<byte> bytes)
    {
        const int Max = 40;
        var text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, Max)]);
        var builder = new StringBuilder(text.Length + 1);
        foreach (char c in text)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        if (bytes.Length > Max)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
