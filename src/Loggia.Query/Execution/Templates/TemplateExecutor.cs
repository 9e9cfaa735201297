using System.Text;

namespace Loggia.Query.Execution.Templates;

/// <summary>
/// Runs a parsed template against one entry, following Go's <c>text/template</c> exec rules (argument
/// type checks, truthiness, variable scopes, range, missingkey=zero for labels) and error texts.
/// One executor is reused per thread so a run allocates nothing beyond the output and the strings
/// functions create.
/// </summary>
internal sealed class TemplateExecutor
{
    [ThreadStatic]
    private static TemplateExecutor? t_cached;

    private readonly CallContext _call = new();
    private string[] _varNames = new string[8];
    private GoValue[] _varValues = new GoValue[8];
    private int _varCount;
    private GoValue[] _args = new GoValue[16];
    private int _argTop;
    private GoTemplate _template = null!;
    private StringBuilder _output = null!;
    private TemplateNode? _at;
    private int _depth;

    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public static TemplateExecutor Rent()
    {
        var e = t_cached ?? new TemplateExecutor();
        t_cached = null;
        return e;
    }

    public static void Return(TemplateExecutor executor)
    {
        executor._call.Data = null!;
        executor._output = null!;
        executor._template = null!;
        t_cached = executor;
    }

    public void Run(GoTemplate template, ITemplateContext data, StringBuilder output)
    {
        _template = template;
        _output = output;
        _call.Data = data;
        _varCount = 0;
        _argTop = 0;
        _depth = 0;
        _at = null;
        PushVar("$", GoValue.Labels);
        Walk(GoValue.Labels, template.Root);
    }

    // ---- errors ----

    private TemplateException Error(string message)
    {
        var name = _template.Name;
        if (_at is null)
        {
            return new TemplateException("template: " + name + ": " + message);
        }
        var text = _template.Text;
        var pos = Math.Min(_at.Pos, text.Length);
        var lastNewline = text.LastIndexOf('\n', Math.Max(pos - 1, 0), pos);
        var line = 1;
        for (var i = 0; i < pos; i++)
        {
            if (text[i] == '\n')
            {
                line++;
            }
        }
        var column = lastNewline < 0
            ? Encoding.UTF8.GetByteCount(text.AsSpan(0, pos))
            : Encoding.UTF8.GetByteCount(text.AsSpan(lastNewline + 1, pos - lastNewline - 1));
        var context = _at.ToString();
        if (Encoding.UTF8.GetByteCount(context) > 20)
        {
            context = TruncateRunes(context, 20) + "...";
        }
        return new TemplateException("template: " + name + ":" + line + ":" + column + ": executing \"" + name + "\" at <" + context + ">: " + message);
    }

    private static string TruncateRunes(string s, int runes)
    {
        var i = 0;
        for (var n = 0; n < runes && i < s.Length; n++)
        {
            i += char.IsHighSurrogate(s[i]) && i + 1 < s.Length ? 2 : 1;
        }
        return s[..i];
    }

    private static string TypeName(ParamType type) => type switch
    {
        ParamType.String => "string",
        ParamType.Int => "int",
        ParamType.Float64 => "float64",
        ParamType.Bool => "bool",
        ParamType.Time => "time.Time",
        _ => "interface {}",
    };

    // ---- variables ----

    private void PushVar(string name, GoValue value)
    {
        if (_varCount == _varNames.Length)
        {
            Array.Resize(ref _varNames, _varCount * 2);
            Array.Resize(ref _varValues, _varCount * 2);
        }
        _varNames[_varCount] = name;
        _varValues[_varCount++] = value;
    }

    private void SetVar(string name, GoValue value)
    {
        for (var i = _varCount - 1; i >= 0; i--)
        {
            if (string.Equals(_varNames[i], name, StringComparison.Ordinal))
            {
                _varValues[i] = value;
                return;
            }
        }
        throw Error("undefined variable: " + name);
    }

    private GoValue VarValue(string name)
    {
        for (var i = _varCount - 1; i >= 0; i--)
        {
            if (string.Equals(_varNames[i], name, StringComparison.Ordinal))
            {
                return _varValues[i];
            }
        }
        throw Error("undefined variable: " + name);
    }

    // ---- walking ----

    private Flow Walk(GoValue dot, TemplateNode node)
    {
        switch (node)
        {
            case TextNode text:
                _output.Append(text.Text);
                return Flow.Normal;
            case ActionNode action:
                {
                    var value = EvalPipeline(dot, action.Pipe);
                    if (action.Pipe.Decl.Count == 0)
                    {
                        PrintValue(action, value);
                    }
                    return Flow.Normal;
                }
            case ListNode list:
                foreach (var n in list.Nodes)
                {
                    var flow = Walk(dot, n);
                    if (flow != Flow.Normal)
                    {
                        return flow;
                    }
                }
                return Flow.Normal;
            case BranchNode { Kind: BranchKind.Range } range:
                return WalkRange(dot, range);
            case BranchNode branch:
                {
                    var mark = _varCount;
                    try
                    {
                        var value = EvalPipeline(dot, branch.Pipe);
                        if (IsTrue(value))
                        {
                            return Walk(branch.Kind == BranchKind.With ? value : dot, branch.List);
                        }
                        if (branch.ElseList is not null)
                        {
                            return Walk(dot, branch.ElseList);
                        }
                        return Flow.Normal;
                    }
                    finally
                    {
                        _varCount = mark;
                    }
                }
            case LoopControlNode loop:
                return loop.IsBreak ? Flow.Break : Flow.Continue;
            default:
                _at = node;
                throw Error("unknown node: " + node);
        }
    }

    private Flow WalkRange(GoValue dot, BranchNode r)
    {
        _at = r;
        var outer = _varCount;
        try
        {
            var value = EvalPipeline(dot, r.Pipe);
            var mark = _varCount;
            var ran = false;
            switch (value.Kind)
            {
                case GoKind.Int or GoKind.Int64:
                    if (r.Pipe.Decl.Count > 1)
                    {
                        _at = r;
                        throw Error("can't use " + FormatValue(value) + " to iterate over more than one variable");
                    }
                    for (long i = 0; i < value.AsInt; i++)
                    {
                        ran = true;
                        var v = value.Kind == GoKind.Int ? GoValue.Int(i) : GoValue.Int64(i);
                        if (OneIteration(r, v, v, mark) == Flow.Break)
                        {
                            break;
                        }
                    }
                    break;
                case GoKind.Slice:
                    {
                        var list = value.AsSlice;
                        for (var i = 0; i < list.Count; i++)
                        {
                            ran = true;
                            if (OneIteration(r, GoValue.Int(i), list[i], mark) == Flow.Break)
                            {
                                break;
                            }
                        }
                        break;
                    }
                case GoKind.Map:
                    {
                        var map = value.AsMap;
                        foreach (var key in GoFormatter.SortedKeys(map))
                        {
                            ran = true;
                            if (OneIteration(r, GoValue.String(key), map[key], mark) == Flow.Break)
                            {
                                break;
                            }
                        }
                        break;
                    }
                case GoKind.Labels:
                    {
                        var labels = new List<KeyValuePair<string, string>>();
                        _call.Data.CopyLabelsTo(labels);
                        labels.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                        foreach (var pair in labels)
                        {
                            ran = true;
                            if (OneIteration(r, GoValue.String(pair.Key), GoValue.String(pair.Value), mark) == Flow.Break)
                            {
                                break;
                            }
                        }
                        break;
                    }
                case GoKind.Nil:
                    break; // like a nil map: no iterations, not an error
                default:
                    _at = r;
                    throw Error("range can't iterate over " + FormatValue(value));
            }
            if (!ran && r.ElseList is not null)
            {
                return Walk(dot, r.ElseList);
            }
            return Flow.Normal;
        }
        finally
        {
            _varCount = outer;
        }
    }

    private Flow OneIteration(BranchNode r, GoValue index, GoValue elem, int mark)
    {
        var decl = r.Pipe.Decl;
        if (decl.Count > 0)
        {
            if (r.Pipe.IsAssign)
            {
                SetVar(decl[0].Ident[0], decl.Count > 1 ? index : elem);
            }
            else
            {
                _varValues[mark - 1] = elem;
                if (decl.Count > 1)
                {
                    _varValues[mark - 2] = index;
                }
            }
        }
        if (decl.Count > 1 && r.Pipe.IsAssign)
        {
            SetVar(decl[1].Ident[0], elem);
        }
        try
        {
            var flow = Walk(elem, r.List);
            return flow == Flow.Break ? Flow.Break : Flow.Normal;
        }
        finally
        {
            _varCount = mark;
        }
    }

    private string FormatValue(GoValue value)
    {
        var sb = new StringBuilder();
        GoFormatter.AppendValue(sb, value, _call.Data);
        return sb.ToString();
    }

    private void PrintValue(TemplateNode node, GoValue value)
    {
        _at = node;
        if (value.IsNil)
        {
            _output.Append("<no value>");
            return;
        }
        GoFormatter.AppendValue(_output, value, _call.Data);
    }

    private bool IsTrue(GoValue value) => GoTruth.IsTrue(value, _call.Data);

    // ---- evaluation ----

    private GoValue EvalPipeline(GoValue dot, PipeNode pipe)
    {
        if (++_depth > 1000)
        {
            _at = pipe;
            throw Error("exceeded maximum template depth (1000)");
        }
        try
        {
            _at = pipe;
            var value = GoValue.Nil;
            var hasFinal = false;
            foreach (var cmd in pipe.Commands)
            {
                value = EvalCommand(dot, cmd, value, hasFinal);
                hasFinal = true;
            }
            foreach (var variable in pipe.Decl)
            {
                if (pipe.IsAssign)
                {
                    SetVar(variable.Ident[0], value);
                }
                else
                {
                    PushVar(variable.Ident[0], value);
                }
            }
            return value;
        }
        finally
        {
            _depth--;
        }
    }

    private void NotAFunction(List<TemplateNode>? args, bool hasFinal)
    {
        if ((args is not null && args.Count > 1) || hasFinal)
        {
            throw Error("can't give argument to non-function " + args![0]);
        }
    }

    private GoValue EvalCommand(GoValue dot, CommandNode cmd, GoValue final, bool hasFinal)
    {
        var first = cmd.Args[0];
        switch (first)
        {
            case FieldNode field:
                return EvalFieldNode(dot, field, cmd.Args, final, hasFinal);
            case ChainNode chain:
                return EvalChainNode(dot, chain, cmd.Args, final, hasFinal);
            case IdentifierNode id:
                return EvalFunction(dot, id, cmd, cmd.Args, final, hasFinal);
            case PipeNode pipe:
                NotAFunction(cmd.Args, hasFinal);
                return EvalPipeline(dot, pipe);
            case VariableNode variable:
                return EvalVariableNode(dot, variable, cmd.Args, final, hasFinal);
        }
        _at = first;
        NotAFunction(cmd.Args, hasFinal);
        return first switch
        {
            BoolNode b => GoValue.Bool(b.Value),
            DotNode => dot,
            NilNode => throw Error("nil is not a command"),
            NumberNode n => IdealConstant(n),
            StringNode s => s.Value,
            _ => throw Error("can't evaluate command " + Quote(first.ToString())),
        };
    }

    private static string Quote(string s) => Loggia.Query.LogQL.Syntax.GoString.Quote(s);

    private GoValue IdealConstant(NumberNode n)
    {
        _at = n;
        var text = n.Text;
        var isHex = text.Length > 2 && text[0] == '0' && text[1] is 'x' or 'X' && text.AsSpan().IndexOfAny("pP") < 0;
        var isRune = text.Length > 0 && text[0] == '\'';
        if (n.IsFloat && !isHex && !isRune && text.AsSpan().IndexOfAny(".eEpP") >= 0)
        {
            return GoValue.Float(n.Float64);
        }
        if (n.IsInt)
        {
            return GoValue.Int(n.Int64);
        }
        throw Error(text + " overflows int");
    }

    private GoValue EvalFieldNode(GoValue dot, FieldNode field, List<TemplateNode>? args, GoValue final, bool hasFinal)
    {
        _at = field;
        return EvalFieldChain(dot, field, field.Ident, 0, args, final, hasFinal);
    }

    private GoValue EvalChainNode(GoValue dot, ChainNode chain, List<TemplateNode>? args, GoValue final, bool hasFinal)
    {
        _at = chain;
        if (chain.Node is NilNode)
        {
            throw Error("indirection through explicit nil in " + chain);
        }
        var receiver = EvalArg(dot, ParamType.Any, chain.Node);
        _at = chain;
        return EvalFieldChain(receiver, chain, chain.Fields, 0, args, final, hasFinal);
    }

    private GoValue EvalVariableNode(GoValue dot, VariableNode variable, List<TemplateNode>? args, GoValue final, bool hasFinal)
    {
        _at = variable;
        var value = VarValue(variable.Ident[0]);
        if (variable.Ident.Length == 1)
        {
            NotAFunction(args, hasFinal);
            return value;
        }
        return EvalFieldChain(value, variable, variable.Ident, 1, args, final, hasFinal);
    }

    private GoValue EvalFieldChain(GoValue receiver, TemplateNode node, string[] idents, int from, List<TemplateNode>? args, GoValue final, bool hasFinal)
    {
        for (var i = from; i < idents.Length - 1; i++)
        {
            receiver = EvalField(idents[i], node, null, false, receiver);
        }
        return EvalField(idents[^1], node, args, hasFinal, receiver);
    }

    private GoValue EvalField(string name, TemplateNode node, List<TemplateNode>? args, bool hasFinal, GoValue receiver)
    {
        var hasArgs = (args is not null && args.Count > 1) || hasFinal;
        switch (receiver.Kind)
        {
            case GoKind.Nil:
                return GoValue.Nil;
            case GoKind.Labels:
                if (hasArgs)
                {
                    throw Error(name + " is not a method but has arguments");
                }
                // Loki runs templates with missingkey=zero over a map[string]string: a missing label is "".
                return _call.Data.TryGetValue(name, out var label) ? GoValue.String(label) : GoValue.EmptyString;
            case GoKind.Map:
                if (hasArgs)
                {
                    throw Error(name + " is not a method but has arguments");
                }
                return receiver.AsMap.TryGetValue(name, out var v) ? v : GoValue.Nil;
            default:
                _at = node;
                throw Error("can't evaluate field " + name + " in type " + receiver.TypeName);
        }
    }

    private GoValue EvalFunction(GoValue dot, IdentifierNode id, TemplateNode cmd, List<TemplateNode>? args, GoValue final, bool hasFinal)
    {
        _at = id;
        return EvalCall(dot, id.Function, cmd, args, final, hasFinal);
    }

    private GoValue EvalCall(GoValue dot, TemplateFunction fn, TemplateNode cmd, List<TemplateNode>? args, GoValue final, bool hasFinal)
    {
        var argCount = args is null ? 0 : args.Count - 1;
        var numIn = argCount + (hasFinal ? 1 : 0);
        var parameters = fn.Parameters;
        var numFixed = parameters.Length - (fn.Variadic ? 1 : 0);
        if (fn.Variadic)
        {
            if (numIn < numFixed)
            {
                throw Error("wrong number of args for " + fn.Name + ": want at least " + numFixed + " got " + argCount);
            }
        }
        else if (numIn != parameters.Length)
        {
            throw Error("wrong number of args for " + fn.Name + ": want " + parameters.Length + " got " + numIn);
        }

        if (fn.ShortCircuit)
        {
            var isOr = fn.Name == "or";
            var v = GoValue.Nil;
            for (var i = 1; i <= argCount; i++)
            {
                v = EvalArg(dot, ParamType.Any, args![i]);
                if (IsTrue(v) == isOr)
                {
                    return v;
                }
            }
            return hasFinal ? final : v;
        }

        var start = _argTop;
        try
        {
            for (var i = 0; i < argCount; i++)
            {
                var type = i < numFixed ? parameters[i] : parameters[^1];
                var value = EvalArg(dot, type, args![i + 1]);
                PushArg(value);
            }
            if (hasFinal)
            {
                var type = numIn - 1 < numFixed ? parameters[numIn - 1] : parameters[^1];
                PushArg(ValidateType(final, type));
            }
            var site = cmd as CommandNode;
            _call.Site = site?.Regex;
            _call.Scratch.Clear();
            try
            {
                var result = fn.Body(_args.AsSpan(start, _argTop - start), _call);
                if (site is not null && !ReferenceEquals(site.Regex, _call.Site))
                {
                    site.Regex = _call.Site; // remember a computed pattern's compilation for the next line
                }
                return result;
            }
            catch (TemplateFunctionException ex)
            {
                _at = cmd;
                throw Error("error calling " + fn.Name + ": " + ex.Message);
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                _at = cmd;
                throw Error("error calling " + fn.Name + ": regular expression match timed out");
            }
        }
        finally
        {
            for (var i = start; i < _argTop; i++)
            {
                _args[i] = default; // drop references to strings and maps
            }
            _argTop = start;
        }
    }

    private void PushArg(GoValue value)
    {
        if (_argTop == _args.Length)
        {
            Array.Resize(ref _args, _args.Length * 2);
        }
        _args[_argTop++] = value;
    }

    private GoValue EvalArg(GoValue dot, ParamType type, TemplateNode node)
    {
        _at = node;
        switch (node)
        {
            case DotNode:
                return ValidateType(dot, type);
            case NilNode:
                if (type == ParamType.Any)
                {
                    return GoValue.Nil;
                }
                throw Error("cannot assign nil to " + TypeName(type));
            case FieldNode field:
                return ValidateType(EvalFieldNode(dot, field, null, GoValue.Nil, false), type);
            case VariableNode variable:
                return ValidateType(EvalVariableNode(dot, variable, null, GoValue.Nil, false), type);
            case PipeNode pipe:
                return ValidateType(EvalPipeline(dot, pipe), type);
            case IdentifierNode id:
                return ValidateType(EvalFunction(dot, id, id, null, GoValue.Nil, false), type);
            case ChainNode chain:
                return ValidateType(EvalChainNode(dot, chain, null, GoValue.Nil, false), type);
        }
        switch (type)
        {
            case ParamType.Bool:
                if (node is BoolNode b)
                {
                    return GoValue.Bool(b.Value);
                }
                throw Error("expected bool; found " + node);
            case ParamType.Float64:
                if (node is NumberNode { IsFloat: true } f)
                {
                    return GoValue.Float(f.Float64);
                }
                throw Error("expected float; found " + node);
            case ParamType.Int:
                if (node is NumberNode { IsInt: true } n)
                {
                    return GoValue.Int(n.Int64);
                }
                throw Error("expected integer; found " + node);
            case ParamType.String:
                if (node is StringNode s)
                {
                    return s.Value;
                }
                throw Error("expected string; found " + node);
            case ParamType.Any:
                return node switch
                {
                    BoolNode bn => GoValue.Bool(bn.Value),
                    NumberNode num => IdealConstant(num),
                    StringNode sn => sn.Value,
                    _ => throw Error("can't handle " + node + " for arg of type interface {}"),
                };
            default:
                throw Error("can't handle " + node + " for arg of type " + TypeName(type));
        }
    }

    private GoValue ValidateType(GoValue value, ParamType type)
    {
        if (type == ParamType.Any)
        {
            return value;
        }
        if (value.IsNil)
        {
            throw Error("invalid value; expected " + TypeName(type));
        }
        var ok = type switch
        {
            ParamType.String => value.Kind == GoKind.String,
            ParamType.Int => value.Kind == GoKind.Int,
            ParamType.Float64 => value.Kind == GoKind.Float64,
            ParamType.Bool => value.Kind == GoKind.Bool,
            ParamType.Time => value.Kind == GoKind.Time,
            _ => true,
        };
        if (!ok)
        {
            throw Error("wrong type for value; expected " + TypeName(type) + "; got " + value.TypeName);
        }
        return value;
    }
}
