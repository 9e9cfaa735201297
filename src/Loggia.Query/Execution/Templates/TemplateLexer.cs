using System.Globalization;

namespace Loggia.Query.Execution.Templates;

internal enum TokenType
{
    Error,
    Bool,
    Char,
    CharConstant,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,

    // Keywords (Go prints them as <word> in "unexpected" errors).
    Keyword,
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

internal readonly record struct TemplateToken(TokenType Type, string Value, int Pos, int Line)
{
    /// <summary>Go's <c>item.String()</c>, used in "unexpected …" parse errors.</summary>
    public override string ToString()
    {
        if (Type == TokenType.Eof)
        {
            return "EOF";
        }
        if (Type == TokenType.Error)
        {
            return Value;
        }
        if (Type > TokenType.Keyword)
        {
            return "<" + Value + ">";
        }
        if (Value.EnumerateRunes().Count() > 10)
        {
            var cut = 0;
            var runes = 0;
            while (runes < 10)
            {
                cut += char.IsHighSurrogate(Value[cut]) ? 2 : 1;
                runes++;
            }
            return Loggia.Query.LogQL.Syntax.GoString.Quote(Value[..cut]) + "...";
        }
        return Loggia.Query.LogQL.Syntax.GoString.Quote(Value);
    }
}

/// <summary>
/// Go's <c>text/template</c> lexer with the default <c>{{</c> <c>}}</c> delimiters: text, actions,
/// trim markers (<c>{{- </c>, <c> -}}</c>) and comments, with Go's error texts. Runs once per parse.
/// </summary>
internal sealed class TemplateLexer
{
    private const string LeftDelim = "{{";
    private const string RightDelim = "}}";
    private const string LeftComment = "/*";
    private const string RightComment = "*/";

    private readonly string _input;
    private readonly List<TemplateToken> _tokens = [];
    private int _pos;
    private int _start;
    private int _line = 1;
    private int _startLine = 1;
    private int _parenDepth;

    private TemplateLexer(string input)
    {
        _input = input;
    }

    /// <summary>All tokens, ending with <see cref="TokenType.Eof"/> or one <see cref="TokenType.Error"/>.</summary>
    public static List<TemplateToken> Lex(string input)
    {
        var lexer = new TemplateLexer(input);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (LexText() && LexInsideAction())
        {
        }
    }

    private void Emit(TokenType type)
    {
        _tokens.Add(new TemplateToken(type, _input[_start.._pos], _start, _startLine));
        _start = _pos;
        _startLine = _line;
    }

    private void Ignore()
    {
        _line += CountNewlines(_start, _pos);
        _start = _pos;
        _startLine = _line;
    }

    private bool Fail(string message)
    {
        _tokens.Add(new TemplateToken(TokenType.Error, message, _start, _startLine));
        return false;
    }

    private int CountNewlines(int from, int to)
    {
        var n = 0;
        for (var i = from; i < to; i++)
        {
            if (_input[i] == '\n')
            {
                n++;
            }
        }
        return n;
    }

    private char Peek => _pos < _input.Length ? _input[_pos] : '\0';

    private bool AtEnd => _pos >= _input.Length;

    private char Next()
    {
        if (_pos >= _input.Length)
        {
            _pos++; // so Backup() stays symmetric at EOF
            return '\0';
        }
        var c = _input[_pos++];
        if (c == '\n')
        {
            _line++;
        }
        return c;
    }

    private void Backup()
    {
        _pos--;
        if (_pos < _input.Length && _input[_pos] == '\n')
        {
            _line--;
        }
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>Scans text up to the next action; returns false at EOF.</summary>
    private bool LexText()
    {
        var at = _input.IndexOf(LeftDelim, _pos, StringComparison.Ordinal);
        if (at < 0)
        {
            _pos = _input.Length;
            if (_pos > _start)
            {
                _line += CountNewlines(_start, _pos);
                Emit(TokenType.Text);
            }
            _tokens.Add(new TemplateToken(TokenType.Eof, "", _pos, _line));
            return false;
        }
        var trimLeft = HasLeftTrimMarker(at + LeftDelim.Length);
        var textEnd = at;
        if (trimLeft)
        {
            while (textEnd > _start && IsSpace(_input[textEnd - 1]))
            {
                textEnd--;
            }
        }
        _pos = textEnd;
        if (_pos > _start)
        {
            _line += CountNewlines(_start, _pos);
            Emit(TokenType.Text);
        }
        _pos = at;
        Ignore();
        return LexLeftDelim(trimLeft);
    }

    private bool HasLeftTrimMarker(int afterDelim) =>
        afterDelim + 1 < _input.Length && _input[afterDelim] == '-' && IsSpace(_input[afterDelim + 1]);

    private bool AtRightDelim(out bool trimSpaces)
    {
        var rest = _input.AsSpan(_pos);
        if (rest.Length >= 2 + RightDelim.Length && IsSpace(rest[0]) && rest[1] == '-' && rest[2..].StartsWith(RightDelim))
        {
            trimSpaces = true;
            return true;
        }
        trimSpaces = false;
        return rest.StartsWith(RightDelim);
    }

    private bool LexLeftDelim(bool trimLeft)
    {
        _pos += LeftDelim.Length;
        var afterMarker = _pos + (trimLeft ? 2 : 0);
        if (_input.AsSpan(afterMarker).StartsWith(LeftComment))
        {
            _pos = afterMarker;
            Ignore();
            return LexComment();
        }
        Emit(TokenType.LeftDelim);
        _pos = afterMarker;
        Ignore();
        _parenDepth = 0;
        return true;
    }

    private bool LexComment()
    {
        _pos += LeftComment.Length;
        var end = _input.IndexOf(RightComment, _pos, StringComparison.Ordinal);
        if (end < 0)
        {
            return Fail("unclosed comment");
        }
        _pos = end + RightComment.Length;
        if (!AtRightDelim(out var trimSpaces))
        {
            return Fail("comment ends before closing delimiter");
        }
        _pos += trimSpaces ? 2 + RightDelim.Length : RightDelim.Length;
        Ignore();
        if (trimSpaces)
        {
            SkipTrailingSpaces();
        }
        return LexText();
    }

    private void SkipTrailingSpaces()
    {
        while (_pos < _input.Length && IsSpace(_input[_pos]))
        {
            _pos++;
        }
        Ignore();
    }

    /// <summary>Scans the elements inside an action up to its right delimiter.</summary>
    private bool LexInsideAction()
    {
        while (true)
        {
            if (AtRightDelim(out var trimSpaces))
            {
                if (_parenDepth != 0)
                {
                    return Fail("unclosed left paren");
                }
                if (trimSpaces)
                {
                    _pos += 2;
                    Ignore();
                }
                _pos += RightDelim.Length;
                Emit(TokenType.RightDelim);
                if (trimSpaces)
                {
                    SkipTrailingSpaces();
                }
                return true;
            }
            if (AtEnd)
            {
                return Fail("unclosed action");
            }
            var c = Next();
            switch (c)
            {
                case ' ' or '\t' or '\r' or '\n':
                    Backup();
                    LexSpace();
                    break;
                case '=':
                    Emit(TokenType.Assign);
                    break;
                case ':':
                    if (Next() != '=')
                    {
                        return Fail("expected :=");
                    }
                    Emit(TokenType.Declare);
                    break;
                case '|':
                    Emit(TokenType.Pipe);
                    break;
                case '"':
                    if (!LexQuote())
                    {
                        return false;
                    }
                    break;
                case '`':
                    if (!LexRawQuote())
                    {
                        return false;
                    }
                    break;
                case '$':
                    if (!LexWord(TokenType.Variable))
                    {
                        return false;
                    }
                    break;
                case '\'':
                    if (!LexChar())
                    {
                        return false;
                    }
                    break;
                case '.':
                    if (char.IsAsciiDigit(Peek))
                    {
                        Backup();
                        if (!LexNumber())
                        {
                            return false;
                        }
                        break;
                    }
                    if (!LexWord(TokenType.Field))
                    {
                        return false;
                    }
                    break;
                case '+' or '-' or (>= '0' and <= '9'):
                    Backup();
                    if (!LexNumber())
                    {
                        return false;
                    }
                    break;
                case '(':
                    Emit(TokenType.LeftParen);
                    _parenDepth++;
                    break;
                case ')':
                    _parenDepth--;
                    if (_parenDepth < 0)
                    {
                        return Fail("unexpected right paren");
                    }
                    Emit(TokenType.RightParen);
                    break;
                default:
                    if (IsAlphaNumeric(c))
                    {
                        Backup();
                        if (!LexIdentifier())
                        {
                            return false;
                        }
                        break;
                    }
                    if (c <= 0x7f && !char.IsControl(c))
                    {
                        Emit(TokenType.Char);
                        break;
                    }
                    return Fail("unrecognized character in action: " + FormatRune(c));
            }
        }
    }

    private static string FormatRune(char c) =>
        "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) + (char.IsControl(c) ? "" : " '" + c + "'");

    private void LexSpace()
    {
        var spaces = 0;
        while (IsSpace(Peek) && !AtEnd)
        {
            Next();
            spaces++;
        }
        // A space right before "-}}" belongs to the trim marker.
        if (_pos + 1 + RightDelim.Length <= _input.Length && _input[_pos] == '-' && _input.AsSpan(_pos + 1).StartsWith(RightDelim))
        {
            Backup();
            if (spaces == 1)
            {
                return;
            }
        }
        Emit(TokenType.Space);
    }

    private static bool IsAlphaNumeric(char c) => c == '_' || char.IsLetterOrDigit(c);

    private bool AtTerminator()
    {
        var c = Peek;
        if (AtEnd || IsSpace(c))
        {
            return true;
        }
        if (c is '.' or ',' or '|' or ':' or ')' or '(')
        {
            return true;
        }
        return _input.AsSpan(_pos).StartsWith(RightDelim);
    }

    private bool LexIdentifier()
    {
        while (!AtEnd && IsAlphaNumeric(Peek))
        {
            Next();
        }
        if (!AtTerminator())
        {
            return Fail("bad character " + FormatRune(Peek));
        }
        var word = _input[_start.._pos];
        var type = word switch
        {
            "block" => TokenType.Block,
            "break" => TokenType.Break,
            "continue" => TokenType.Continue,
            "define" => TokenType.Define,
            "else" => TokenType.Else,
            "end" => TokenType.End,
            "if" => TokenType.If,
            "range" => TokenType.Range,
            "nil" => TokenType.Nil,
            "template" => TokenType.Template,
            "with" => TokenType.With,
            "true" or "false" => TokenType.Bool,
            _ => TokenType.Identifier,
        };
        Emit(type);
        return true;
    }

    /// <summary>Scans <c>.field</c> or <c>$variable</c> (the leading character is consumed).</summary>
    private bool LexWord(TokenType type)
    {
        if (AtTerminator())
        {
            Emit(type == TokenType.Variable ? TokenType.Variable : TokenType.Dot);
            return true;
        }
        while (!AtEnd && IsAlphaNumeric(Peek))
        {
            Next();
        }
        if (!AtTerminator())
        {
            return Fail("bad character " + FormatRune(Peek));
        }
        Emit(type);
        return true;
    }

    private bool LexQuote()
    {
        while (true)
        {
            var c = Next();
            if (c == '\\')
            {
                if (AtEnd)
                {
                    return Fail("unterminated quoted string");
                }
                if (Next() == '\n')
                {
                    return Fail("unterminated quoted string");
                }
                continue;
            }
            if (c == '\n' || _pos > _input.Length)
            {
                return Fail("unterminated quoted string");
            }
            if (c == '"')
            {
                break;
            }
        }
        Emit(TokenType.String);
        return true;
    }

    private bool LexRawQuote()
    {
        var end = _input.IndexOf('`', _pos);
        if (end < 0)
        {
            return Fail("unterminated raw quoted string");
        }
        _line += CountNewlines(_pos, end);
        _pos = end + 1;
        Emit(TokenType.RawString);
        return true;
    }

    private bool LexChar()
    {
        while (true)
        {
            var c = Next();
            if (c == '\\')
            {
                if (AtEnd)
                {
                    return Fail("unterminated character constant");
                }
                if (Next() == '\n')
                {
                    return Fail("unterminated character constant");
                }
                continue;
            }
            if (c == '\n' || _pos > _input.Length)
            {
                return Fail("unterminated character constant");
            }
            if (c == '\'')
            {
                break;
            }
        }
        Emit(TokenType.CharConstant);
        return true;
    }

    private bool Accept(string valid)
    {
        if (!AtEnd && valid.Contains(Peek, StringComparison.Ordinal))
        {
            _pos++;
            return true;
        }
        return false;
    }

    private void AcceptRun(string valid)
    {
        while (!AtEnd && valid.Contains(Peek, StringComparison.Ordinal))
        {
            _pos++;
        }
    }

    private bool LexNumber()
    {
        Accept("+-");
        var digits = "0123456789_";
        if (Accept("0"))
        {
            if (Accept("xX"))
            {
                digits = "0123456789abcdefABCDEF_";
            }
            else if (Accept("oO"))
            {
                digits = "01234567_";
            }
            else if (Accept("bB"))
            {
                digits = "01_";
            }
        }
        AcceptRun(digits);
        if (Accept("."))
        {
            AcceptRun(digits);
        }
        if (digits.Length == 11 && Accept("eE"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }
        if (digits.Length == 23 && Accept("pP"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }
        Accept("i");
        if (!AtEnd && IsAlphaNumeric(Peek))
        {
            _pos++;
            return Fail("bad number syntax: " + Loggia.Query.LogQL.Syntax.GoString.Quote(_input[_start.._pos]));
        }
        Emit(TokenType.Number);
        return true;
    }
}
