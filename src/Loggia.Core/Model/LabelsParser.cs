using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Loggia.Core.Model;

/// <summary>
/// Parser for the label string of a Loki push stream: the subset of Prometheus' <c>ParseMetric</c> grammar that
/// Loki clients send.
/// </summary>
/// <remarks>
/// <code>
/// labels := ws '{' ws [ pair { ws ',' ws pair } ws [','] ] ws '}' ws
/// pair   := name ws '=' ws string
/// name   := [a-zA-Z_][a-zA-Z0-9_]*
/// string := "…" | '…' (Go escapes: \a \b \f \n \r \t \v \\ \ooo \xHH \uHHHH \UHHHHHHHH and the open quote)
///         | `…` (raw, no escapes)
/// </code>
/// Not supported (Loki clients never send them on push): a metric name before the braces, and quoted (UTF-8) label
/// names. Errors are reported as <c>line:column: parse error: message</c> like the Prometheus parser; the wording
/// is close to but not always identical with Prometheus'.
/// </remarks>
internal ref struct LabelsParser
{
    private readonly ReadOnlySpan<char> _text;
    private int _pos;
    private string? _error;

    private LabelsParser(ReadOnlySpan<char> text)
    {
        _text = text;
        _pos = 0;
        _error = null;
    }

    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out LabelPair[]? pairs, out string? error)
    {
        var parser = new LabelsParser(text);
        pairs = parser.ParseAll();
        error = parser._error;
        return pairs is not null;
    }

    private LabelPair[]? ParseAll()
    {
        SkipWhitespace();
        if (!Expect('{', "expected \"{\""))
        {
            return null;
        }

        var pairs = new List<LabelPair>(8);
        SkipWhitespace();
        while (true)
        {
            if (AtEnd)
            {
                return Fail("unexpected end of input inside braces");
            }

            if (Current == '}')
            {
                _pos++;
                break;
            }

            if (!TryParseName(out string? name))
            {
                return null;
            }

            SkipWhitespace();
            if (AtEnd)
            {
                return Fail("unexpected end of input in label matching, expected \"=\"");
            }

            if (Current != '=' || (_pos + 1 < _text.Length && _text[_pos + 1] == '~'))
            {
                return Fail($"unexpected {Describe()} in label matching, expected \"=\"");
            }

            _pos++;
            SkipWhitespace();
            if (!TryParseString(out string? value))
            {
                return null;
            }

            pairs.Add(new LabelPair(name, value));
            SkipWhitespace();
            if (AtEnd)
            {
                return Fail("unexpected end of input inside braces");
            }

            if (Current == ',')
            {
                _pos++;
                SkipWhitespace();
            }
            else if (Current != '}')
            {
                return Fail($"unexpected {Describe()} in label set, expected \",\" or \"}}\"");
            }
        }

        SkipWhitespace();
        if (!AtEnd)
        {
            return Fail($"unexpected {Describe()} after the label set");
        }

        return [.. pairs];
    }

    private readonly bool AtEnd => _pos >= _text.Length;

    private readonly char Current => _text[_pos];

    private void SkipWhitespace()
    {
        while (!AtEnd && (Current is ' ' or '\t' or '\n' or '\r'))
        {
            _pos++;
        }
    }

    private bool Expect(char c, string what)
    {
        if (AtEnd)
        {
            Fail("unexpected end of input, " + what);
            return false;
        }

        if (Current != c)
        {
            Fail($"unexpected {Describe()}, {what}");
            return false;
        }

        _pos++;
        return true;
    }

    private bool TryParseName([NotNullWhen(true)] out string? name)
    {
        name = null;
        int start = _pos;
        if (!IsNameStart(Current))
        {
            Fail($"unexpected {Describe()} in label set, expected identifier or \"}}\"");
            return false;
        }

        _pos++;
        while (!AtEnd && IsNameChar(Current))
        {
            _pos++;
        }

        name = _text[start.._pos].ToString();
        return true;
    }

    private bool TryParseString([NotNullWhen(true)] out string? value)
    {
        value = null;
        if (AtEnd)
        {
            Fail("unexpected end of input, expected label value");
            return false;
        }

        char quote = Current;
        if (quote is not ('"' or '\'' or '`'))
        {
            Fail($"unexpected {Describe()} in label matching, expected string");
            return false;
        }

        int openAt = _pos;
        _pos++;
        int start = _pos;
        bool escaped = false;
        while (true)
        {
            if (AtEnd)
            {
                _pos = openAt;
                Fail(quote == '`' ? "unterminated raw string" : "unterminated quoted string");
                return false;
            }

            char c = Current;
            if (c == quote)
            {
                break;
            }

            if (quote != '`')
            {
                if (c == '\n')
                {
                    _pos = openAt;
                    Fail("unterminated quoted string");
                    return false;
                }

                if (c == '\\')
                {
                    escaped = true;
                    _pos++; // The escape is validated while unescaping; skip the escaped character here.
                    if (AtEnd)
                    {
                        continue;
                    }
                }
            }

            _pos++;
        }

        ReadOnlySpan<char> body = _text[start.._pos];
        _pos++; // Closing quote.
        if (!escaped)
        {
            value = body.ToString();
            return true;
        }

        return TryUnescape(body, quote, start, out value);
    }

    /// <summary>
    /// Unescapes a quoted body into UTF-8 bytes (\x and octal escapes produce raw bytes, as in Go) and decodes them
    /// strictly: a value that is not valid UTF-8 after unescaping is an error.
    /// </summary>
    private bool TryUnescape(ReadOnlySpan<char> body, char quote, int bodyStart, [NotNullWhen(true)] out string? value)
    {
        value = null;
        byte[] buffer = ArrayPool<byte>.Shared.Rent((body.Length * 3) + 4);
        try
        {
            int length = 0;
            for (int i = 0; i < body.Length; i++)
            {
                char c = body[i];
                if (c != '\\')
                {
                    if (char.IsHighSurrogate(c) && i + 1 < body.Length && char.IsLowSurrogate(body[i + 1]))
                    {
                        length += new Rune(c, body[i + 1]).EncodeToUtf8(buffer.AsSpan(length));
                        i++;
                    }
                    else
                    {
                        length += Rune.TryCreate(c, out Rune r) ? r.EncodeToUtf8(buffer.AsSpan(length)) : Rune.ReplacementChar.EncodeToUtf8(buffer.AsSpan(length));
                    }

                    continue;
                }

                int escapeAt = i;
                i++;
                char e = body[i];
                switch (e)
                {
                    case 'a': buffer[length++] = 0x07; break;
                    case 'b': buffer[length++] = 0x08; break;
                    case 'f': buffer[length++] = 0x0C; break;
                    case 'n': buffer[length++] = 0x0A; break;
                    case 'r': buffer[length++] = 0x0D; break;
                    case 't': buffer[length++] = 0x09; break;
                    case 'v': buffer[length++] = 0x0B; break;
                    case '\\': buffer[length++] = (byte)'\\'; break;
                    case 'x':
                    case 'u':
                    case 'U':
                        {
                            int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                            int available = body.Length - i - 1;
                            if (available < digits
                                || !uint.TryParse(body.Slice(i + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint code))
                            {
                                _pos = bodyStart + escapeAt;
                                Fail("invalid escape sequence: expected " + digits.ToString(CultureInfo.InvariantCulture) + " hex digits");
                                return false;
                            }

                            i += digits;
                            if (e == 'x')
                            {
                                buffer[length++] = (byte)code;
                            }
                            else if (code > 0x10FFFF || (code >= 0xD800 && code < 0xE000))
                            {
                                _pos = bodyStart + escapeAt;
                                Fail("escape sequence is an invalid Unicode code point");
                                return false;
                            }
                            else
                            {
                                length += new Rune((int)code).EncodeToUtf8(buffer.AsSpan(length));
                            }

                            break;
                        }

                    case >= '0' and <= '7':
                        {
                            int code = 0;
                            int end = i + 3;
                            for (; i < end; i++)
                            {
                                if (i >= body.Length || body[i] is < '0' or > '7')
                                {
                                    _pos = bodyStart + escapeAt;
                                    Fail("invalid escape sequence: expected 3 octal digits");
                                    return false;
                                }

                                code = (code * 8) + (body[i] - '0');
                            }

                            i--;
                            if (code > 255)
                            {
                                _pos = bodyStart + escapeAt;
                                Fail("octal escape value > 255: " + code.ToString(CultureInfo.InvariantCulture));
                                return false;
                            }

                            buffer[length++] = (byte)code;
                            break;
                        }

                    default:
                        if (e == quote)
                        {
                            buffer[length++] = (byte)e;
                            break;
                        }

                        _pos = bodyStart + escapeAt;
                        Fail($"unknown escape sequence U+{(int)e:X4} '{e}'");
                        return false;
                }
            }

            if (Utf8.IsValid(buffer.AsSpan(0, length)))
            {
                value = Encoding.UTF8.GetString(buffer, 0, length);
                return true;
            }

            _pos = bodyStart;
            Fail("invalid UTF-8 in label value");
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private readonly string Describe()
    {
        if (AtEnd)
        {
            return "end of input";
        }

        char c = Current;
        return c switch
        {
            '"' or '\'' or '`' => "string",
            _ when IsNameStart(c) => "identifier",
            _ => "character \"" + c + "\"",
        };
    }

    private LabelPair[]? Fail(string message)
    {
        int line = 1;
        int column = 1;
        int until = Math.Min(_pos, _text.Length);
        for (int i = 0; i < until; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        _error ??= string.Create(CultureInfo.InvariantCulture, $"{line}:{column}: parse error: {message}");
        return null;
    }

    private static bool IsNameStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private static bool IsNameChar(char c) => IsNameStart(c) || c is >= '0' and <= '9';
}
