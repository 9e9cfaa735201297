namespace Loggia.Query.Execution.Templates;

/// <summary>
/// Recursive-descent parser for Go's <c>text/template</c> grammar (as <c>text/template/parse</c>),
/// producing a <see cref="ListNode"/> and Go's parse errors (<c>template: NAME:LINE: …</c>).
/// <c>define</c>, <c>template</c> and <c>block</c> are rejected: Loki's templates are single, unnamed ones.
/// </summary>
internal sealed class TemplateParser
{
    private readonly string _name;
    private readonly List<TemplateToken> _tokens;
    private readonly List<string> _vars = ["$"];
    private int _index;
    private int _line = 1;
    private int _rangeDepth;

    private TemplateParser(string name, string text)
    {
        _name = name;
        _tokens = TemplateLexer.Lex(text);
    }

    public static ListNode Parse(string name, string text) => new TemplateParser(name, text).ParseRoot();

    private TemplateToken Next()
    {
        var t = _tokens[Math.Min(_index, _tokens.Count - 1)];
        _index++;
        _line = t.Line;
        return t;
    }

    private void Backup() => _index--;

    private TemplateToken Peek()
    {
        var t = Next();
        Backup();
        return t;
    }

    private TemplateToken NextNonSpace()
    {
        TemplateToken t;
        do
        {
            t = Next();
        }
        while (t.Type == TokenType.Space);
        return t;
    }

    private TemplateToken PeekNonSpace()
    {
        var t = NextNonSpace();
        Backup();
        return t;
    }

    private TemplateException Error(string message) => new("template: " + _name + ":" + _line + ": " + message);

    private TemplateException Unexpected(TemplateToken token, string context)
    {
        if (token.Type == TokenType.Error)
        {
            return Error(token.Value);
        }
        return Error("unexpected " + token + " in " + context);
    }

    private TemplateToken Expect(TokenType type, string context)
    {
        var t = NextNonSpace();
        if (t.Type != type)
        {
            throw Unexpected(t, context);
        }
        return t;
    }

    private ListNode ParseRoot()
    {
        var root = new ListNode(Peek().Pos);
        while (Peek().Type != TokenType.Eof)
        {
            var n = TextOrAction();
            if (n is DelimiterNode)
            {
                throw Error("unexpected " + n);
            }
            root.Nodes.Add(n);
        }
        return root;
    }

    private (ListNode List, TemplateNode End) ItemList()
    {
        var list = new ListNode(PeekNonSpace().Pos);
        while (PeekNonSpace().Type != TokenType.Eof)
        {
            var n = TextOrAction();
            if (n is DelimiterNode)
            {
                return (list, n);
            }
            list.Nodes.Add(n);
        }
        throw Error("unexpected EOF");
    }

    private TemplateNode TextOrAction()
    {
        var token = NextNonSpace();
        switch (token.Type)
        {
            case TokenType.Text:
                return new TextNode(token.Pos, token.Value);
            case TokenType.LeftDelim:
                return Action();
            default:
                throw Unexpected(token, "input");
        }
    }

    private TemplateNode Action()
    {
        var token = NextNonSpace();
        switch (token.Type)
        {
            case TokenType.Else:
                return ElseControl();
            case TokenType.End:
                return new DelimiterNode(Expect(TokenType.RightDelim, "end").Pos, isElse: false);
            case TokenType.If:
                return Control(BranchKind.If, "if");
            case TokenType.Range:
                return Control(BranchKind.Range, "range");
            case TokenType.With:
                return Control(BranchKind.With, "with");
            case TokenType.Break:
            case TokenType.Continue:
                return LoopControl(token);
            case TokenType.Block:
            case TokenType.Define:
            case TokenType.Template:
                // Loki parses one anonymous template; no other template can be defined or called.
                var name = NextNonSpace();
                if (name.Type is TokenType.String or TokenType.RawString)
                {
                    var unquoted = GoLiterals.Unquote(name.Value) ?? name.Value;
                    throw Error(token.Type == TokenType.Define
                        ? "unexpected <define> in command"
                        : "no such template " + Loggia.Query.LogQL.Syntax.GoString.Quote(unquoted));
                }
                throw Unexpected(name, token.Type == TokenType.Define ? "define clause" : token.Type == TokenType.Block ? "block clause" : "template clause");
        }
        Backup();
        var start = Peek();
        return new ActionNode(start.Pos, Pipeline("command"));
    }

    private LoopControlNode LoopControl(TemplateToken token)
    {
        var word = token.Type == TokenType.Break ? "break" : "continue";
        var close = NextNonSpace();
        if (close.Type != TokenType.RightDelim)
        {
            throw Unexpected(close, "{{" + word + "}}");
        }
        if (_rangeDepth == 0)
        {
            throw Error("{{" + word + "}} outside {{range}}");
        }
        return new LoopControlNode(token.Pos, token.Type == TokenType.Break);
    }

    private DelimiterNode ElseControl()
    {
        var peek = PeekNonSpace();
        if (peek.Type is TokenType.If or TokenType.With)
        {
            // "{{else if …}}" / "{{else with …}}" are read as "{{else}}{{if …}}…{{end}}".
            return new DelimiterNode(peek.Pos, isElse: true);
        }
        return new DelimiterNode(Expect(TokenType.RightDelim, "else").Pos, isElse: true);
    }

    private BranchNode Control(BranchKind kind, string context)
    {
        var varCount = _vars.Count;
        if (kind == BranchKind.Range)
        {
            _rangeDepth++;
        }
        try
        {
            var pipe = Pipeline(context);
            var (list, next) = ItemList();
            ListNode? elseList = null;
            if (next is DelimiterNode { IsElse: true })
            {
                var chained = Peek().Type;
                if ((kind == BranchKind.If && chained == TokenType.If) || (kind == BranchKind.With && chained == TokenType.With))
                {
                    Next();
                    elseList = new ListNode(next.Pos);
                    elseList.Nodes.Add(Control(kind, context));
                }
                else
                {
                    if (kind == BranchKind.Range)
                    {
                        _rangeDepth--; // break/continue are not allowed in range's else
                    }
                    TemplateNode end;
                    (elseList, end) = ItemList();
                    if (kind == BranchKind.Range)
                    {
                        _rangeDepth++;
                    }
                    if (end is not DelimiterNode { IsElse: false })
                    {
                        throw Error("expected end; found " + end);
                    }
                }
            }
            return new BranchNode(pipe.Pos, kind, pipe, list, elseList);
        }
        finally
        {
            _vars.RemoveRange(varCount, _vars.Count - varCount);
            if (kind == BranchKind.Range)
            {
                _rangeDepth--;
            }
        }
    }

    private PipeNode Pipeline(string context)
    {
        var pipe = new PipeNode(PeekNonSpace().Pos);
    Decls:
        var v = PeekNonSpace();
        if (v.Type == TokenType.Variable)
        {
            var atVariable = _index; // PeekNonSpace left the index on the variable
            NextNonSpace();
            var next = PeekNonSpace();
            if (next.Type is TokenType.Assign or TokenType.Declare)
            {
                pipe.IsAssign = next.Type == TokenType.Assign;
                NextNonSpace();
                pipe.Decl.Add(new VariableNode(v.Pos, [v.Value]));
                _vars.Add(v.Value);
            }
            else if (next.Type == TokenType.Char && next.Value == ",")
            {
                NextNonSpace();
                pipe.Decl.Add(new VariableNode(v.Pos, [v.Value]));
                _vars.Add(v.Value);
                if (context == "range" && pipe.Decl.Count < 2)
                {
                    var after = PeekNonSpace().Type;
                    if (after is TokenType.Variable or TokenType.RightDelim or TokenType.RightParen)
                    {
                        goto Decls;
                    }
                    throw Error("range can only initialize variables");
                }
                throw Error("too many declarations in " + context);
            }
            else
            {
                // "$x foo" or "$x}}": $x is an operand, not a declaration.
                _index = atVariable;
            }
        }
        while (true)
        {
            var token = NextNonSpace();
            switch (token.Type)
            {
                case TokenType.RightDelim:
                case TokenType.RightParen:
                    CheckPipeline(pipe, context);
                    if (token.Type == TokenType.RightParen)
                    {
                        Backup();
                    }
                    return pipe;
                case TokenType.Bool or TokenType.CharConstant or TokenType.Dot or TokenType.Field or TokenType.Identifier
                    or TokenType.Number or TokenType.Nil or TokenType.RawString or TokenType.String or TokenType.Variable
                    or TokenType.LeftParen:
                    Backup();
                    pipe.Commands.Add(Command());
                    break;
                default:
                    throw Unexpected(token, context);
            }
        }
    }

    private void CheckPipeline(PipeNode pipe, string context)
    {
        if (pipe.Commands.Count == 0)
        {
            throw Error("missing value for " + context);
        }
        for (var i = 1; i < pipe.Commands.Count; i++)
        {
            if (pipe.Commands[i].Args[0] is BoolNode or DotNode or NilNode or NumberNode or StringNode)
            {
                throw Error("non executable command in pipeline stage " + (i + 1));
            }
        }
    }

    private CommandNode Command()
    {
        var cmd = new CommandNode(PeekNonSpace().Pos);
        while (true)
        {
            PeekNonSpace();
            var operand = Operand();
            if (operand is not null)
            {
                cmd.Args.Add(operand);
            }
            var token = Next();
            switch (token.Type)
            {
                case TokenType.Space:
                    continue;
                case TokenType.RightDelim:
                case TokenType.RightParen:
                    Backup();
                    break;
                case TokenType.Pipe:
                    break;
                case TokenType.Error:
                    throw Error(token.Value);
                default:
                    throw Error("unexpected " + token + " in operand");
            }
            break;
        }
        if (cmd.Args.Count == 0)
        {
            throw Error("empty command");
        }
        if (cmd.Args[0] is IdentifierNode { Function.UsesRegex: true } && cmd.Args.Count > 1 && cmd.Args[1] is StringNode pattern)
        {
            // A literal pattern is compiled once, here; errors surface when the template runs, as in Go.
            cmd.Regex = RegexSite.Compile(pattern.Text);
        }
        return cmd;
    }

    private TemplateNode? Operand()
    {
        var node = Term();
        if (node is null)
        {
            return null;
        }
        if (Peek().Type == TokenType.Field)
        {
            var pos = Peek().Pos;
            var fields = new List<string>();
            while (Peek().Type == TokenType.Field)
            {
                fields.Add(Next().Value[1..]);
            }
            switch (node)
            {
                case FieldNode f:
                    return new FieldNode(f.Pos, [.. f.Ident, .. fields]);
                case VariableNode v:
                    return new VariableNode(v.Pos, [.. v.Ident, .. fields]);
                case BoolNode or StringNode or NumberNode or NilNode or DotNode:
                    throw Error("unexpected . after term " + Loggia.Query.LogQL.Syntax.GoString.Quote(node.ToString()));
                default:
                    return new ChainNode(pos, node, [.. fields]);
            }
        }
        return node;
    }

    private TemplateNode? Term()
    {
        var token = NextNonSpace();
        switch (token.Type)
        {
            case TokenType.Error:
                throw Error(token.Value);
            case TokenType.Identifier:
                var function = TemplateFunctions.Find(token.Value)
                    ?? throw Error("function " + Loggia.Query.LogQL.Syntax.GoString.Quote(token.Value) + " not defined");
                return new IdentifierNode(token.Pos, function);
            case TokenType.Dot:
                return new DotNode(token.Pos);
            case TokenType.Nil:
                return new NilNode(token.Pos);
            case TokenType.Variable:
                return UseVar(token);
            case TokenType.Field:
                return new FieldNode(token.Pos, [token.Value[1..]]);
            case TokenType.Bool:
                return new BoolNode(token.Pos, token.Value == "true");
            case TokenType.CharConstant:
            case TokenType.Number:
                return NewNumber(token);
            case TokenType.LeftParen:
                var pipe = Pipeline("parenthesized pipeline");
                var close = Next();
                if (close.Type != TokenType.RightParen)
                {
                    throw Error("unclosed right paren: unexpected " + close);
                }
                return pipe;
            case TokenType.String:
            case TokenType.RawString:
                var text = GoLiterals.Unquote(token.Value) ?? throw Error("invalid syntax");
                return new StringNode(token.Pos, token.Value, text);
        }
        Backup();
        return null;
    }

    private VariableNode UseVar(TemplateToken token)
    {
        var parts = token.Value.Split('.');
        var name = parts[0];
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i] == name)
            {
                return new VariableNode(token.Pos, parts);
            }
        }
        throw Error("undefined variable " + Loggia.Query.LogQL.Syntax.GoString.Quote(name));
    }

    private NumberNode NewNumber(TemplateToken token)
    {
        var text = token.Value;
        var n = new NumberNode(token.Pos, text);
        if (token.Type == TokenType.CharConstant)
        {
            var s = GoLiterals.Unquote(text) ?? throw Error("invalid syntax");
            var rune = char.ConvertToUtf32(s, 0);
            n.IsInt = n.IsUint = n.IsFloat = true;
            n.Int64 = rune;
            n.Float64 = rune;
            return n;
        }
        if (text.EndsWith('i'))
        {
            throw Error("illegal number syntax: " + Loggia.Query.LogQL.Syntax.GoString.Quote(text));
        }
        if (GoLiterals.TryParseInt(text, out var i))
        {
            n.IsInt = true;
            n.Int64 = i;
            n.IsUint = i >= 0;
            n.IsFloat = true;
            n.Float64 = i;
        }
        else if (text.Length > 0 && text[0] != '-' && ulong.TryParse(text.TrimStart('+'), out var u))
        {
            n.IsUint = true;
            n.IsFloat = true;
            n.Float64 = u;
        }
        else if (GoLiterals.TryParseFloat(text, out var f))
        {
            if (text.AsSpan().IndexOfAny(".eEpP") < 0)
            {
                throw Error("integer overflow: " + Loggia.Query.LogQL.Syntax.GoString.Quote(text));
            }
            n.IsFloat = true;
            n.Float64 = f;
            if (Math.Floor(f) == f && f >= long.MinValue && f < 9.2233720368547758e18)
            {
                n.IsInt = true;
                n.Int64 = (long)f;
                n.IsUint = f >= 0;
            }
        }
        if (!n.IsInt && !n.IsUint && !n.IsFloat)
        {
            throw Error("illegal number syntax: " + Loggia.Query.LogQL.Syntax.GoString.Quote(text));
        }
        return n;
    }
}
