using System.Text;

namespace Loggia.Query.LogQL.Syntax;

/// <summary>
/// Turns LogQL text into tokens the way Loki's lexer does: keywords are case-insensitive, function
/// names are keywords only when followed by <c>(</c> (or <c>by</c>/<c>without</c> and <c>(</c>),
/// numbers directly followed by a unit become durations or byte sizes, and <c>[...]</c> is one RANGE
/// token. Unknown characters become IDENTIFIER tokens, as in Loki.
/// </summary>
public sealed class Lexer
{
    internal static readonly (string Text, TokenKind Kind)[] Symbols =
    [
        (",", TokenKind.Comma), (".", TokenKind.Dot), ("{", TokenKind.OpenBrace), ("}", TokenKind.CloseBrace),
        ("=", TokenKind.Eq), ("!=", TokenKind.Neq), ("=~", TokenKind.Re), ("!~", TokenKind.Nre), ("!>", TokenKind.Npa),
        ("|=", TokenKind.PipeExact), ("|~", TokenKind.PipeMatch), ("|>", TokenKind.PipePattern), ("|", TokenKind.Pipe),
        ("(", TokenKind.OpenParen), (")", TokenKind.CloseParen), ("[", TokenKind.OpenBracket), ("]", TokenKind.CloseBracket),
        ("+", TokenKind.Add), ("-", TokenKind.Sub), ("*", TokenKind.Mul), ("/", TokenKind.Div), ("%", TokenKind.Mod),
        ("^", TokenKind.Pow), ("==", TokenKind.CmpEq), (">", TokenKind.Gt), (">=", TokenKind.Gte), ("<", TokenKind.Lt),
        ("<=", TokenKind.Lte),
    ];

    /// <summary>Words that are always keywords (case-insensitive).</summary>
    internal static readonly (string Text, TokenKind Kind)[] Keywords =
    [
        ("unwrap", TokenKind.Unwrap), ("by", TokenKind.By), ("without", TokenKind.Without), ("bool", TokenKind.Bool),
        ("label_replace", TokenKind.LabelReplace), ("offset", TokenKind.Offset), ("on", TokenKind.On),
        ("ignoring", TokenKind.Ignoring), ("group_left", TokenKind.GroupLeft), ("group_right", TokenKind.GroupRight),
        ("or", TokenKind.Or), ("and", TokenKind.And), ("unless", TokenKind.Unless), ("json", TokenKind.Json),
        ("regexp", TokenKind.Regexp), ("logfmt", TokenKind.Logfmt), ("unpack", TokenKind.Unpack),
        ("pattern", TokenKind.Pattern), ("label_format", TokenKind.LabelFmt), ("line_format", TokenKind.LineFmt),
        ("ip", TokenKind.Ip), ("decolorize", TokenKind.Decolorize), ("drop", TokenKind.Drop), ("keep", TokenKind.Keep),
    ];

    /// <summary>Words that are keywords only when used as a function.</summary>
    internal static readonly (string Text, TokenKind Kind)[] Functions =
    [
        ("rate", TokenKind.Rate), ("rate_counter", TokenKind.RateCounter), ("count_over_time", TokenKind.CountOverTime),
        ("bytes_rate", TokenKind.BytesRate), ("bytes_over_time", TokenKind.BytesOverTime),
        ("avg_over_time", TokenKind.AvgOverTime), ("sum_over_time", TokenKind.SumOverTime),
        ("min_over_time", TokenKind.MinOverTime), ("max_over_time", TokenKind.MaxOverTime),
        ("stdvar_over_time", TokenKind.StdvarOverTime), ("stddev_over_time", TokenKind.StddevOverTime),
        ("quantile_over_time", TokenKind.QuantileOverTime), ("first_over_time", TokenKind.FirstOverTime),
        ("last_over_time", TokenKind.LastOverTime), ("absent_over_time", TokenKind.AbsentOverTime),
        ("vector", TokenKind.Vector), ("sum", TokenKind.Sum), ("avg", TokenKind.Avg), ("max", TokenKind.Max),
        ("min", TokenKind.Min), ("count", TokenKind.Count), ("stddev", TokenKind.Stddev), ("stdvar", TokenKind.Stdvar),
        ("bottomk", TokenKind.Bottomk), ("topk", TokenKind.Topk), ("sort", TokenKind.Sort),
        ("sort_desc", TokenKind.SortDesc), ("approx_topk", TokenKind.ApproxTopk), ("label_replace", TokenKind.LabelReplace),
        ("bytes", TokenKind.BytesConv), ("duration", TokenKind.DurationConv),
        ("duration_seconds", TokenKind.DurationSecondsConv), ("ip", TokenKind.Ip),
    ];

    private static readonly Dictionary<string, TokenKind> SymbolMap = Symbols.ToDictionary(s => s.Text, s => s.Kind);
    private static readonly Dictionary<string, TokenKind> KeywordMap = Keywords.ToDictionary(s => s.Text, s => s.Kind);
    private static readonly Dictionary<string, TokenKind> FunctionMap = Functions.ToDictionary(s => s.Text, s => s.Kind);

    private readonly string _src;
    private int _pos;
    private int _line = 1;
    private int _col; // columns consumed on the current line

    private Lexer(string source) => _src = source;

    /// <summary>
    /// Tokenizes <paramref name="source"/>. The list always ends with an <see cref="TokenKind.Eof"/>
    /// token, or with an <see cref="TokenKind.Error"/> token whose text is Loki's lexer message.
    /// </summary>
    public static List<Token> Tokenize(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var lx = new Lexer(source);
        var list = new List<Token>();
        while (true)
        {
            var t = lx.Next();
            list.Add(t);
            if (t.Kind is TokenKind.Eof or TokenKind.Error)
            {
                return list;
            }
        }
    }

    private char Peek(int ahead = 0) => _pos + ahead < _src.Length ? _src[_pos + ahead] : '\0';

    private bool AtEnd(int ahead = 0) => _pos + ahead >= _src.Length;

    private void Advance()
    {
        var c = _src[_pos++];
        if (c == '\n')
        {
            _line++;
            _col = 0;
        }
        else if (!char.IsLowSurrogate(c))
        {
            _col++;
        }
    }

    private void SkipSpaceAndComments()
    {
        while (!AtEnd())
        {
            var c = Peek();
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                Advance();
            }
            else if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (!AtEnd() && Peek() != '\n')
                {
                    Advance();
                }
            }
            else if (c == '/' && Peek(1) == '*')
            {
                Advance();
                Advance();
                while (!AtEnd() && !(Peek() == '*' && Peek(1) == '/'))
                {
                    Advance();
                }
                if (!AtEnd())
                {
                    Advance();
                    Advance();
                }
            }
            else
            {
                return;
            }
        }
    }

    private Token Next()
    {
        SkipSpaceAndComments();
        var line = _line;
        var col = _col + 1;
        if (AtEnd())
        {
            // Go's scanner reports no position for an empty input.
            return _src.Length == 0 ? new Token(TokenKind.Eof, "", 0, 0, 0) : new Token(TokenKind.Eof, "", line, col, line);
        }

        var start = _pos;
        var c = Peek();
        Token Make(TokenKind k, string text, bool viaNext = false) => new(k, text, line, col, viaNext ? 0 : line);
        Token Error(string msg, bool viaNext = false) => new(TokenKind.Error, msg, line, col, viaNext ? 0 : line);

        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
        {
            ScanNumber();
            var numberText = _src[start.._pos];
            if (TryScanUnit(numberText, IsDurationRune, t => GoDuration.TryParseLexer(t, out _), out var durText))
            {
                return Make(TokenKind.Duration, durText, viaNext: true);
            }
            if (TryScanUnit(numberText, IsBytesRune, t => GoBytes.TryParse(t, out _), out var bytesText))
            {
                return Make(TokenKind.Bytes, bytesText, viaNext: true);
            }
            return Make(TokenKind.Number, numberText);
        }

        if (c == '"' || c == '`')
        {
            var err = ScanString(c);
            if (err != null)
            {
                return Error(err);
            }
            var raw = _src[start.._pos];
            if (!GoString.TryUnquote(raw, out var value))
            {
                return Error("invalid syntax");
            }
            return Make(TokenKind.String, value);
        }

        if (c == '\'')
        {
            var err = ScanString('\'');
            return err != null ? Error(err) : Make(TokenKind.Identifier, _src[start.._pos]);
        }

        if (c == '[')
        {
            Advance();
            var sb = new StringBuilder();
            while (!AtEnd())
            {
                var r = Peek();
                Advance();
                if (r == ']')
                {
                    var text = sb.ToString();
                    return GoDuration.TryParsePrometheus(text, out _, out var msg)
                        ? Make(TokenKind.Range, text, viaNext: true)
                        : Error(msg, viaNext: true);
                }
                sb.Append(r);
            }
            return Error("missing closing ']' in duration", viaNext: true);
        }

        if (c == '-')
        {
            Advance();
            if (Peek() == '-' && TryScanFlag(out var flag))
            {
                return Make(TokenKind.ParserFlag, flag, viaNext: true);
            }
            if (TryScanUnit("-", IsDurationRune, t => GoDuration.TryParseLexer(t, out _), out var negDur))
            {
                return Make(TokenKind.Duration, negDur, viaNext: true);
            }
            return Make(TokenKind.Sub, "-");
        }

        if (c == '_' || char.IsLetter(c) || char.IsHighSurrogate(c))
        {
            while (!AtEnd() && (Peek() == '_' || char.IsLetterOrDigit(Peek()) || char.IsSurrogate(Peek())))
            {
                Advance();
            }
            var text = _src[start.._pos];
            var lower = text.ToLowerInvariant();
            if (FunctionMap.TryGetValue(lower, out var fk))
            {
                return IsFunction() ? Make(fk, text) : Make(TokenKind.Identifier, text);
            }
            return KeywordMap.TryGetValue(lower, out var kk) ? Make(kk, text) : Make(TokenKind.Identifier, text);
        }

        Advance();
        var single = _src[start.._pos];
        if (!AtEnd() && SymbolMap.TryGetValue(single + Peek(), out var twoKind))
        {
            Advance();
            return Make(twoKind, _src[start.._pos], viaNext: true);
        }
        if (SymbolMap.TryGetValue(single, out var oneKind))
        {
            return Make(oneKind, single);
        }
        if (char.IsHighSurrogate(single[0]) && !AtEnd())
        {
            Advance();
            single = _src[start.._pos];
        }
        // Loki's lexer turns any other character into an IDENTIFIER.
        return Make(TokenKind.Identifier, single);
    }

    private void ScanNumber()
    {
        while (char.IsAsciiDigit(Peek()))
        {
            Advance();
        }
        if (Peek() == '.')
        {
            Advance();
            while (char.IsAsciiDigit(Peek()))
            {
                Advance();
            }
        }
        if ((Peek() is 'e' or 'E') && (char.IsAsciiDigit(Peek(1)) || ((Peek(1) is '+' or '-') && char.IsAsciiDigit(Peek(2)))))
        {
            Advance();
            if (Peek() is '+' or '-')
            {
                Advance();
            }
            while (char.IsAsciiDigit(Peek()))
            {
                Advance();
            }
        }
    }

    private static bool IsDurationRune(char r) => r is 'n' or 'u' or 'µ' or 'm' or 's' or 'h' or 'd' or 'w' or 'y';

    private static bool IsBytesRune(char r) => r is 'B' or 'i' or 'k' or 'K' or 'M' or 'G' or 'T' or 'P';

    /// <summary>Like Loki's tryScanDuration/tryScanBytes: consume unit characters up to a space if the whole parses.</summary>
    private bool TryScanUnit(string prefix, Func<char, bool> isUnitRune, Func<string, bool> parses, out string text)
    {
        var end = _pos;
        while (end < _src.Length)
        {
            var r = _src[end];
            if (char.IsWhiteSpace(r) || !(char.IsNumber(r) || isUnitRune(r) || r == '.'))
            {
                break;
            }
            end++;
        }
        text = prefix + _src[_pos..end];
        if (end == _pos || !parses(text))
        {
            return false;
        }
        while (_pos < end)
        {
            Advance();
        }
        return true;
    }

    private bool TryScanFlag(out string flag)
    {
        var end = _pos;
        while (end < _src.Length && (char.IsLetter(_src[end]) || _src[end] == '-'))
        {
            end++;
        }
        flag = "-" + _src[_pos..end];
        if (flag is not ("--strict" or "--keep-empty"))
        {
            return false;
        }
        while (_pos < end)
        {
            Advance();
        }
        return true;
    }

    private bool IsFunction()
    {
        var p = _pos;
        SkipWs(ref p);
        if (p < _src.Length && _src[p] == '(')
        {
            return true;
        }
        foreach (var word in (ReadOnlySpan<string>)["by", "without"])
        {
            if (p + word.Length <= _src.Length && string.Compare(_src, p, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                var q = p + word.Length;
                SkipWs(ref q);
                return q < _src.Length && _src[q] == '(';
            }
        }
        return false;
    }

    private void SkipWs(ref int p)
    {
        while (p < _src.Length && char.IsWhiteSpace(_src[p]))
        {
            p++;
        }
    }

    /// <summary>Scans a quoted literal like Go's text/scanner; returns its error message or null.</summary>
    private string? ScanString(char quote)
    {
        Advance();
        if (quote == '`')
        {
            while (!AtEnd() && Peek() != '`')
            {
                Advance();
            }
            if (AtEnd())
            {
                return "literal not terminated";
            }
            Advance();
            return null;
        }
        string? error = null;
        var n = 0;
        while (true)
        {
            if (AtEnd() || Peek() == '\n')
            {
                return error ?? "literal not terminated";
            }
            var ch = Peek();
            Advance();
            if (ch == quote)
            {
                break;
            }
            if (ch == '\\')
            {
                error ??= ScanEscape(quote);
            }
            n++;
        }
        if (quote == '\'' && n != 1)
        {
            error ??= "invalid char literal";
        }
        return error;
    }

    private string? ScanEscape(char quote)
    {
        if (AtEnd())
        {
            return null;
        }
        var ch = Peek();
        switch (ch)
        {
            case 'a' or 'b' or 'f' or 'n' or 'r' or 't' or 'v' or '\\':
                Advance();
                return null;
            case >= '0' and <= '7':
                return ScanDigits(8, 3);
            case 'x':
                Advance();
                return ScanDigits(16, 2);
            case 'u':
                Advance();
                return ScanDigits(16, 4);
            case 'U':
                Advance();
                return ScanDigits(16, 8);
            default:
                if (ch == quote)
                {
                    Advance();
                    return null;
                }
                return "invalid char escape";
        }
    }

    private string? ScanDigits(int radix, int count)
    {
        while (count > 0 && !AtEnd() && DigitValue(Peek()) < radix)
        {
            Advance();
            count--;
        }
        return count > 0 ? "invalid char escape" : null;
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => 16,
    };
}
