using System.Buffers;
using System.Text;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// A forward-only JSON scanner over UTF-8 bytes with the tolerance and error messages of the jsonparser library
/// Loki's parsers use: values are delimited, not validated (a number is any token starting with a digit or
/// <c>-</c>), nested blocks are skipped by bracket counting, strings are unescaped only when asked for, and the
/// first error stops the scan (what was found before it stays found).
/// </summary>
internal static class JsonScanner
{
    public const string MalformedJson = "Malformed JSON error";
    public const string MalformedObject = "Value looks like object, but can't find closing '}' symbol";
    public const string MalformedArray = "Value is array, but can't find closing ']' symbol";
    public const string MalformedString = "Value is string, but can't find closing '\"' symbol";
    public const string MalformedValue = "Value looks like Number/Boolean/None, but can't find its end: ',' or '}' symbol";
    public const string MalformedStringEscape = "Encountered an invalid escape sequence in a string";
    public const string UnknownValueType = "Unknown value type";

    private static readonly SearchValues<byte> QuoteOrBackslash = SearchValues.Create("\"\\"u8);
    /// <summary>The bytes that end a number, boolean or null token.</summary>
    public static readonly SearchValues<byte> TokenEnds = SearchValues.Create(" \n\r\t,}]"u8);
    private static readonly SearchValues<byte> NotWhitespace = SearchValues.Create(" \n\r\t"u8);

    /// <summary>The index of the first non-white-space byte, or -1.</summary>
    public static int NextToken(ReadOnlySpan<byte> data)
    {
        // Compact JSON has no white space between tokens: check the first byte before a vectorized search.
        if (!data.IsEmpty && data[0] > ' ')
        {
            return 0;
        }
        return data.IndexOfAnyExcept(NotWhitespace);
    }

    /// <summary>
    /// <paramref name="data"/> starts after an opening quote: the index just past the closing quote, or -1; whether
    /// the string contains a backslash.
    /// </summary>
    public static int StringEnd(ReadOnlySpan<byte> data, out bool escaped)
    {
        escaped = false;
        // Most keys and values are short: a plain loop over the first bytes beats setting up a vectorized search.
        var head = Math.Min(data.Length, 32);
        var i = 0;
        for (; i < head; i++)
        {
            var b = data[i];
            if (b == '"')
            {
                return i + 1;
            }
            if (b == '\\')
            {
                break;
            }
        }
        while (true)
        {
            var j = data[i..].IndexOfAny(QuoteOrBackslash);
            if (j < 0)
            {
                return -1;
            }
            i += j;
            if (data[i] == '"')
            {
                return i + 1;
            }
            // A backslash escapes the next byte, whatever it is.
            escaped = true;
            i += 2;
            if (i >= data.Length)
            {
                return -1;
            }
        }
    }

    /// <summary><paramref name="data"/> starts with the opening symbol: the index just past the matching close, or -1.</summary>
    public static int BlockEnd(ReadOnlySpan<byte> data, byte open, byte close)
    {
        var level = 0;
        var i = 0;
        var stops = open == '{' ? ObjectStops : ArrayStops;
        while (i < data.Length)
        {
            var j = data[i..].IndexOfAny(stops);
            if (j < 0)
            {
                return -1;
            }
            i += j;
            var c = data[i];
            if (c == '"')
            {
                var end = StringEnd(data[(i + 1)..], out _);
                if (end < 0)
                {
                    return -1;
                }
                i += end + 1;
                continue;
            }
            if (c == open)
            {
                level++;
            }
            else if (--level == 0)
            {
                return i + 1;
            }
            i++;
        }
        return -1;
    }

    private static readonly SearchValues<byte> ObjectStops = SearchValues.Create("\"{}"u8);
    private static readonly SearchValues<byte> ArrayStops = SearchValues.Create("\"[]"u8);

    /// <summary>
    /// Reads the value starting at the first token of <paramref name="data"/>: its bytes (a string without its
    /// quotes, still escaped), its kind and the offset just past it. Returns an error message or null.
    /// </summary>
    public static string? ReadValue(ReadOnlySpan<byte> data, out int valueStart, out int valueLength, out JsonValueKind kind, out int end)
    {
        valueStart = valueLength = end = 0;
        kind = JsonValueKind.Null;
        var offset = NextToken(data);
        if (offset < 0)
        {
            return MalformedJson;
        }
        switch (data[offset])
        {
            case (byte)'"':
                {
                    kind = JsonValueKind.String;
                    var e = StringEnd(data[(offset + 1)..], out _);
                    if (e < 0)
                    {
                        return MalformedString;
                    }
                    valueStart = offset + 1;
                    valueLength = e - 1;
                    end = offset + 1 + e;
                    return null;
                }
            case (byte)'[':
            case (byte)'{':
                {
                    var isArray = data[offset] == '[';
                    kind = isArray ? JsonValueKind.Array : JsonValueKind.Object;
                    var e = isArray ? BlockEnd(data[offset..], (byte)'[', (byte)']') : BlockEnd(data[offset..], (byte)'{', (byte)'}');
                    if (e < 0)
                    {
                        return isArray ? MalformedArray : MalformedObject;
                    }
                    valueStart = offset;
                    valueLength = e;
                    end = offset + e;
                    return null;
                }
            default:
                {
                    var e = data[offset..].IndexOfAny(TokenEnds);
                    if (e < 0)
                    {
                        e = data.Length - offset;
                    }
                    var token = data.Slice(offset, e);
                    switch (data[offset])
                    {
                        case (byte)'t' or (byte)'f':
                            if (!token.SequenceEqual("true"u8) && !token.SequenceEqual("false"u8))
                            {
                                return UnknownValueType;
                            }
                            kind = JsonValueKind.Boolean;
                            break;
                        case (byte)'u' or (byte)'n':
                            if (!token.SequenceEqual("null"u8))
                            {
                                return UnknownValueType;
                            }
                            kind = JsonValueKind.Null;
                            break;
                        case >= (byte)'0' and <= (byte)'9' or (byte)'-':
                            kind = JsonValueKind.Number;
                            break;
                        default:
                            return UnknownValueType;
                    }
                    valueStart = offset;
                    valueLength = e;
                    end = offset + e;
                    return null;
                }
        }
    }

    /// <summary>
    /// Unescapes the body of a JSON string into <paramref name="target"/> (at least as long as the source).
    /// Returns the length, or -1 for an invalid escape. Unpaired surrogates become U+FFFD.
    /// </summary>
    public static int Unescape(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var written = 0;
        var i = 0;
        while (i < source.Length)
        {
            var j = source[i..].IndexOf((byte)'\\');
            if (j < 0)
            {
                source[i..].CopyTo(target[written..]);
                return written + source.Length - i;
            }
            source.Slice(i, j).CopyTo(target[written..]);
            written += j;
            i += j;
            if (i + 1 >= source.Length)
            {
                return -1;
            }
            var c = source[i + 1];
            byte simple = c switch
            {
                (byte)'"' => (byte)'"',
                (byte)'\\' => (byte)'\\',
                (byte)'/' => (byte)'/',
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                _ => 0,
            };
            if (simple != 0)
            {
                target[written++] = simple;
                i += 2;
                continue;
            }
            if (c != 'u' || !TryHex4(source, i + 2, out var code))
            {
                return -1;
            }
            i += 6;
            var rune = new Rune(0xFFFD);
            if (char.IsHighSurrogate((char)code))
            {
                if (i + 1 < source.Length && source[i] == '\\' && source[i + 1] == 'u' && TryHex4(source, i + 2, out var low) && char.IsLowSurrogate((char)low))
                {
                    rune = new Rune((char)code, (char)low);
                    i += 6;
                }
            }
            else if (!char.IsLowSurrogate((char)code))
            {
                rune = new Rune(code);
            }
            written += rune.EncodeToUtf8(target[written..]);
        }
        return written;
    }

    private static bool TryHex4(ReadOnlySpan<byte> s, int at, out int value)
    {
        value = 0;
        if (at + 4 > s.Length)
        {
            return false;
        }
        for (var k = 0; k < 4; k++)
        {
            var h = HexValue(s[at + k]);
            if (h < 0)
            {
                return false;
            }
            value = (value << 4) | h;
        }
        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
