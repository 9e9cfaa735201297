using System.Globalization;
using System.Text;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// Loki's logfmt decoder (adapted from go-logfmt) over UTF-8 bytes: <see cref="ScanKeyValue"/> returns the
/// pairs one at a time; a key without <c>=</c> has no value; a malformed pair records an error (the first one
/// stays in <see cref="Error"/>) and is skipped up to the next white space. Quoted values with escapes are
/// unquoted into a scratch buffer the caller provides.
/// </summary>
internal ref struct LogfmtDecoder
{
    private readonly ReadOnlySpan<byte> _line;
    private readonly Span<byte> _scratch;
    private int _pos;

    /// <param name="line">The line.</param>
    /// <param name="scratch">Room for unquoted values: at least as long as the line.</param>
    public LogfmtDecoder(ReadOnlySpan<byte> line, Span<byte> scratch)
    {
        _line = line;
        _scratch = scratch;
    }

    public readonly bool EndOfLine => _pos >= _line.Length;

    public ReadOnlySpan<byte> Key { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    /// <summary>The most recent syntax error (go-logfmt's message), or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Advances to the next pair; false at the end of the line or when the pair is malformed.</summary>
    public bool ScanKeyValue()
    {
        Key = default;
        Value = default;
        var line = _line;
        // Skip garbage (control characters and spaces).
        while (_pos < line.Length && line[_pos] <= ' ')
        {
            _pos++;
        }
        if (_pos >= line.Length)
        {
            return false;
        }

        var start = _pos;
        var multibyte = false;
        for (; _pos < line.Length; _pos++)
        {
            var c = line[_pos];
            if (c == '=')
            {
                if (_pos > start)
                {
                    Key = line[start.._pos];
                    if (multibyte && HasInvalidRune(Key))
                    {
                        SyntaxError("invalid key");
                        return SkipValue();
                    }
                }
                if (Key.IsEmpty)
                {
                    UnexpectedByte(c);
                    return SkipValue();
                }
                return ReadValueAfterEqual();
            }
            if (c == '"')
            {
                UnexpectedByte(c);
                return SkipValue();
            }
            if (c <= ' ')
            {
                return EndKeyWithoutValue(start, multibyte);
            }
            if (c >= 0x80)
            {
                multibyte = true;
            }
        }
        return EndKeyWithoutValue(start, multibyte);
    }

    private bool EndKeyWithoutValue(int start, bool multibyte)
    {
        if (_pos > start)
        {
            Key = _line[start.._pos];
            if (multibyte && HasInvalidRune(Key))
            {
                SyntaxError("invalid key");
                return false;
            }
        }
        return true;
    }

    private bool ReadValueAfterEqual()
    {
        var line = _line;
        _pos++;
        if (_pos >= line.Length)
        {
            return true;
        }
        var c = line[_pos];
        if (c <= ' ')
        {
            return true;
        }
        if (c == '"')
        {
            return ReadQuotedValue();
        }
        var start = _pos;
        for (; _pos < line.Length; _pos++)
        {
            c = line[_pos];
            if (c is (byte)'=' or (byte)'"')
            {
                UnexpectedByte(c);
                return SkipValue();
            }
            if (c <= ' ')
            {
                break;
            }
        }
        if (_pos > start)
        {
            Value = line[start.._pos];
        }
        return true;
    }

    private bool ReadQuotedValue()
    {
        var line = _line;
        var start = _pos;
        var hasEscape = false;
        var escape = false;
        for (var p = _pos + 1; p < line.Length; p++)
        {
            var c = line[p];
            if (escape)
            {
                escape = false;
            }
            else if (c == '\\')
            {
                hasEscape = escape = true;
            }
            else if (c == '"')
            {
                _pos = p + 1;
                if (hasEscape)
                {
                    var n = Unquote(line[(start + 1)..p], _scratch);
                    if (n < 0)
                    {
                        SyntaxError("invalid quoted value");
                        return false;
                    }
                    Value = _scratch[..n];
                }
                else if (p > start + 1)
                {
                    Value = line[(start + 1)..p];
                }
                return true;
            }
        }
        _pos = line.Length;
        SyntaxError("unterminated quoted value");
        return false;
    }

    private bool SkipValue()
    {
        while (_pos < _line.Length && _line[_pos] > ' ')
        {
            _pos++;
        }
        return false;
    }

    private void SyntaxError(string message) =>
        Error = string.Create(CultureInfo.InvariantCulture, $"logfmt syntax error at pos {_pos + 1} : {message}");

    private void UnexpectedByte(byte c) =>
        Error = string.Create(CultureInfo.InvariantCulture, $"logfmt syntax error at pos {_pos + 1} : unexpected {QuoteByte(c)}");

    private static string QuoteByte(byte c) => c switch
    {
        (byte)'"' => "'\"'",
        _ => "'" + (char)c + "'",
    };

    private static bool HasInvalidRune(ReadOnlySpan<byte> key)
    {
        var s = Encoding.UTF8.GetString(key);
        return s.Contains('\uFFFD', StringComparison.Ordinal);
    }

    /// <summary>JSON-style unquoting of a value body (go-logfmt's unquoteBytes): -1 when invalid.</summary>
    private static int Unquote(ReadOnlySpan<byte> body, Span<byte> target)
    {
        // A raw control character inside the quotes is invalid, as in encoding/json.
        foreach (var b in body)
        {
            if (b < ' ')
            {
                return -1;
            }
        }
        return JsonScanner.Unescape(body, target);
    }
}
