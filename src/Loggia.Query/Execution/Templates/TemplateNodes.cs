using System.Text;

namespace Loggia.Query.Execution.Templates;

/// <summary>
/// The parse tree of a Go template, shaped like <c>text/template/parse</c>'s so execution and error
/// messages follow Go's. <see cref="object.ToString"/> prints a node as Go's <c>Node.String()</c> does
/// (the <c>at &lt;…&gt;</c> part of execution errors).
/// </summary>
internal abstract class TemplateNode(int pos)
{
    /// <summary>Offset of the node in the template text (UTF-16 index; error messages convert to bytes).</summary>
    public int Pos { get; } = pos;

    public abstract void WriteTo(StringBuilder sb);

    public override string ToString()
    {
        var sb = new StringBuilder();
        WriteTo(sb);
        return sb.ToString();
    }
}

internal sealed class ListNode(int pos) : TemplateNode(pos)
{
    public List<TemplateNode> Nodes { get; } = [];

    public override void WriteTo(StringBuilder sb)
    {
        foreach (var n in Nodes)
        {
            n.WriteTo(sb);
        }
    }
}

internal sealed class TextNode(int pos, string text) : TemplateNode(pos)
{
    public string Text { get; } = text;

    public override void WriteTo(StringBuilder sb) => sb.Append(Text);
}

internal sealed class ActionNode(int pos, PipeNode pipe) : TemplateNode(pos)
{
    public PipeNode Pipe { get; } = pipe;

    public override void WriteTo(StringBuilder sb)
    {
        sb.Append("{{");
        Pipe.WriteTo(sb);
        sb.Append("}}");
    }
}

internal enum BranchKind
{
    If,
    With,
    Range,
}

/// <summary><c>if</c>, <c>with</c> or <c>range</c> with its pipeline, body and optional else.</summary>
internal sealed class BranchNode(int pos, BranchKind kind, PipeNode pipe, ListNode list, ListNode? elseList) : TemplateNode(pos)
{
    public BranchKind Kind { get; } = kind;

    public PipeNode Pipe { get; } = pipe;

    public ListNode List { get; } = list;

    public ListNode? ElseList { get; } = elseList;

    public override void WriteTo(StringBuilder sb)
    {
        sb.Append("{{").Append(Kind switch { BranchKind.If => "if", BranchKind.With => "with", _ => "range" }).Append(' ');
        Pipe.WriteTo(sb);
        sb.Append("}}");
        List.WriteTo(sb);
        if (ElseList is not null)
        {
            sb.Append("{{else}}");
            ElseList.WriteTo(sb);
        }
        sb.Append("{{end}}");
    }
}

/// <summary><c>{{break}}</c> or <c>{{continue}}</c> inside a range.</summary>
internal sealed class LoopControlNode(int pos, bool isBreak) : TemplateNode(pos)
{
    public bool IsBreak { get; } = isBreak;

    public override void WriteTo(StringBuilder sb) => sb.Append(IsBreak ? "{{break}}" : "{{continue}}");
}

/// <summary>Marks <c>{{end}}</c> and <c>{{else}}</c> while parsing; never part of a finished tree.</summary>
internal sealed class DelimiterNode(int pos, bool isElse) : TemplateNode(pos)
{
    public bool IsElse { get; } = isElse;

    public override void WriteTo(StringBuilder sb) => sb.Append(IsElse ? "{{else}}" : "{{end}}");
}

/// <summary>Optional variable declarations followed by commands joined with <c>|</c>.</summary>
internal sealed class PipeNode(int pos) : TemplateNode(pos)
{
    public bool IsAssign { get; set; }

    public List<VariableNode> Decl { get; } = [];

    public List<CommandNode> Commands { get; } = [];

    public override void WriteTo(StringBuilder sb)
    {
        if (Decl.Count > 0)
        {
            for (var i = 0; i < Decl.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }
                Decl[i].WriteTo(sb);
            }
            sb.Append(IsAssign ? " = " : " := ");
        }
        for (var i = 0; i < Commands.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" | ");
            }
            Commands[i].WriteTo(sb);
        }
    }
}

internal sealed class CommandNode(int pos) : TemplateNode(pos)
{
    public List<TemplateNode> Args { get; } = [];

    /// <summary>Compiled regex of this call site (a literal pattern is compiled at parse time).</summary>
    public RegexSite? Regex { get; set; }

    public override void WriteTo(StringBuilder sb)
    {
        for (var i = 0; i < Args.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            if (Args[i] is PipeNode)
            {
                sb.Append('(');
                Args[i].WriteTo(sb);
                sb.Append(')');
            }
            else
            {
                Args[i].WriteTo(sb);
            }
        }
    }
}

/// <summary><c>.a.b</c>: fields (label names) of dot.</summary>
internal sealed class FieldNode(int pos, string[] ident) : TemplateNode(pos)
{
    public string[] Ident { get; } = ident;

    public override void WriteTo(StringBuilder sb)
    {
        foreach (var id in Ident)
        {
            sb.Append('.').Append(id);
        }
    }
}

/// <summary><c>$x.a.b</c>: a variable and optional fields; Ident[0] is the variable's name with its <c>$</c>.</summary>
internal sealed class VariableNode(int pos, string[] ident) : TemplateNode(pos)
{
    public string[] Ident { get; } = ident;

    public override void WriteTo(StringBuilder sb)
    {
        for (var i = 0; i < Ident.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('.');
            }
            sb.Append(Ident[i]);
        }
    }
}

/// <summary><c>(pipeline).a.b</c>: fields of a term that is not dot or a variable.</summary>
internal sealed class ChainNode(int pos, TemplateNode node, string[] fields) : TemplateNode(pos)
{
    public TemplateNode Node { get; } = node;

    public string[] Fields { get; } = fields;

    public override void WriteTo(StringBuilder sb)
    {
        if (Node is PipeNode)
        {
            sb.Append('(');
            Node.WriteTo(sb);
            sb.Append(')');
        }
        else
        {
            Node.WriteTo(sb);
        }
        foreach (var f in Fields)
        {
            sb.Append('.').Append(f);
        }
    }
}

internal sealed class IdentifierNode(int pos, TemplateFunction function) : TemplateNode(pos)
{
    public TemplateFunction Function { get; } = function;

    public override void WriteTo(StringBuilder sb) => sb.Append(Function.Name);
}

internal sealed class DotNode(int pos) : TemplateNode(pos)
{
    public override void WriteTo(StringBuilder sb) => sb.Append('.');
}

internal sealed class NilNode(int pos) : TemplateNode(pos)
{
    public override void WriteTo(StringBuilder sb) => sb.Append("nil");
}

internal sealed class BoolNode(int pos, bool value) : TemplateNode(pos)
{
    public bool Value { get; } = value;

    public override void WriteTo(StringBuilder sb) => sb.Append(Value ? "true" : "false");
}

/// <summary>A number or character constant, with every Go type it can be used as.</summary>
internal sealed class NumberNode(int pos, string text) : TemplateNode(pos)
{
    public string Text { get; } = text;

    public bool IsInt { get; set; }

    public bool IsUint { get; set; }

    public bool IsFloat { get; set; }

    public long Int64 { get; set; }

    public double Float64 { get; set; }

    public override void WriteTo(StringBuilder sb) => sb.Append(Text);
}

internal sealed class StringNode(int pos, string quoted, string text) : TemplateNode(pos)
{
    public string Quoted { get; } = quoted;

    public string Text { get; } = text;

    public GoValue Value { get; } = GoValue.String(text);

    public override void WriteTo(StringBuilder sb) => sb.Append(Quoted);
}
