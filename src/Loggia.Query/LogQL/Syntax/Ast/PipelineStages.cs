using System.Text;

namespace Loggia.Query.LogQL.Syntax;

/// <summary>One stage of a log pipeline.</summary>
public abstract record PipelineStage : SyntaxNode;

/// <summary>Line filter operators.</summary>
public enum LineFilterOp
{
    /// <summary><c>|=</c></summary>
    Contains,
    /// <summary><c>!=</c></summary>
    NotContains,
    /// <summary><c>|~</c> (RE2, unanchored)</summary>
    Regex,
    /// <summary><c>!~</c></summary>
    NotRegex,
    /// <summary><c>|&gt;</c> pattern match</summary>
    Pattern,
    /// <summary><c>!&gt;</c></summary>
    NotPattern,
}

/// <summary>One operand of a line filter: a literal/regex/pattern string, or <c>ip("...")</c>.</summary>
public sealed record LineFilterValue(string Value, bool IsIp = false) : SyntaxNode
{
    internal override void WriteTo(StringBuilder sb)
    {
        if (IsIp)
        {
            sb.Append("ip(");
            GoString.AppendQuoted(sb, Value);
            sb.Append(')');
        }
        else
        {
            GoString.AppendQuoted(sb, Value);
        }
    }
}

/// <summary>
/// A line filter <c>|= "a"</c>; several values mean <c>|= "a" or "b"</c> (any matches). Negative
/// filters with <c>or</c> are split into one filter per value by the parser, as Loki does.
/// </summary>
public sealed record LineFilter(LineFilterOp Op, SyntaxList<LineFilterValue> Values) : PipelineStage
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append(OperatorText(Op)).Append(' ');
        for (var i = 0; i < Values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" or ");
            }
            Values[i].WriteTo(sb);
        }
    }

    /// <summary>The operator's LogQL spelling.</summary>
    public static string OperatorText(LineFilterOp op) => op switch
    {
        LineFilterOp.Contains => "|=",
        LineFilterOp.NotContains => "!=",
        LineFilterOp.Regex => "|~",
        LineFilterOp.NotRegex => "!~",
        LineFilterOp.Pattern => "|>",
        _ => "!>",
    };
}

/// <summary><c>name="expression"</c> in <c>| json</c>/<c>| logfmt</c>; a bare <c>name</c> means expression = name.</summary>
public sealed record LabelExtraction(string Name, string Expression) : SyntaxNode
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append(Name).Append('=');
        GoString.AppendQuoted(sb, Expression);
    }
}

/// <summary><c>| json</c>, optionally with extractions.</summary>
public sealed record JsonParserStage(SyntaxList<LabelExtraction> Extractions) : PipelineStage
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("| json");
        WriteExtractions(sb, Extractions);
    }

    internal static void WriteExtractions(StringBuilder sb, SyntaxList<LabelExtraction> list)
    {
        for (var i = 0; i < list.Count; i++)
        {
            sb.Append(i == 0 ? " " : ",");
            list[i].WriteTo(sb);
        }
    }
}

/// <summary><c>| logfmt [--strict] [--keep-empty] [extractions]</c>.</summary>
public sealed record LogfmtParserStage(bool Strict, bool KeepEmpty, SyntaxList<LabelExtraction> Extractions) : PipelineStage
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("| logfmt");
        if (Strict)
        {
            sb.Append(" --strict");
        }
        if (KeepEmpty)
        {
            sb.Append(" --keep-empty");
        }
        JsonParserStage.WriteExtractions(sb, Extractions);
    }
}

/// <summary><c>| regexp "re"</c> (validated at parse time: RE2 with at least one named capture).</summary>
public sealed record RegexpParserStage(string Regex) : PipelineStage
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("| regexp ");
        GoString.AppendQuoted(sb, Regex);
    }
}

/// <summary><c>| pattern "&lt;a&gt; - &lt;b&gt;"</c>.</summary>
public sealed record PatternParserStage(string Pattern) : PipelineStage
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("| pattern ");
        GoString.AppendQuoted(sb, Pattern);
    }
}

/// <summary><c>| unpack</c>.</summary>
public sealed record UnpackParserStage : PipelineStage
{
    internal override void WriteTo(StringBuilder sb) => sb.Append("| unpack");
}

/// <summary><c>| decolorize</c>.</summary>
public sealed record DecolorizeStage : PipelineStage
{
    internal override void WriteTo(StringBuilder sb) => sb.Append("| decolorize");
}

/// <summary><c>| line_format "template"</c> (Go text/template, not checked here).</summary>
public sealed record LineFormatStage(string Template) : PipelineStage
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("| line_format ");
        GoString.AppendQuoted(sb, Template);
    }
}

/// <summary>One <c>label_format</c> item: <c>dst="template"</c>, or <c>dst=src</c> when <paramref name="IsRename"/>.</summary>
public sealed record LabelFormatItem(string Name, string Value, bool IsRename) : SyntaxNode
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append(Name).Append('=');
        if (IsRename)
        {
            sb.Append(Value);
        }
        else
        {
            GoString.AppendQuoted(sb, Value);
        }
    }
}

/// <summary><c>| label_format a="{{.b}}", c=d</c>.</summary>
public sealed record LabelFormatStage(SyntaxList<LabelFormatItem> Items) : PipelineStage
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("| label_format ");
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            Items[i].WriteTo(sb);
        }
    }
}

/// <summary>A <c>drop</c>/<c>keep</c> operand: a bare label name, or a matcher.</summary>
public sealed record NamedLabelMatcher(string Name, LabelMatcher? Matcher) : SyntaxNode
{
    internal override void WriteTo(StringBuilder sb)
    {
        if (Matcher is null)
        {
            sb.Append(Name);
        }
        else
        {
            Matcher.WriteTo(sb);
        }
    }

    internal static void WriteList(StringBuilder sb, SyntaxList<NamedLabelMatcher> list)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            list[i].WriteTo(sb);
        }
    }
}

/// <summary><c>| drop a, b="v"</c>.</summary>
public sealed record DropLabelsStage(SyntaxList<NamedLabelMatcher> Labels) : PipelineStage
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("| drop ");
        NamedLabelMatcher.WriteList(sb, Labels);
    }
}

/// <summary><c>| keep a, b="v"</c>.</summary>
public sealed record KeepLabelsStage(SyntaxList<NamedLabelMatcher> Labels) : PipelineStage
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("| keep ");
        NamedLabelMatcher.WriteList(sb, Labels);
    }
}

/// <summary><c>| &lt;label filter&gt;</c>.</summary>
public sealed record LabelFilterStage(LabelFilterExpr Filter) : PipelineStage
{
    internal override void WriteTo(StringBuilder sb)
    {
        sb.Append("| ");
        Filter.WriteTo(sb);
    }
}
