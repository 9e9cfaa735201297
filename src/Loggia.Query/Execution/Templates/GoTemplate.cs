using System.Buffers;
using System.Text;

namespace Loggia.Query.Execution.Templates;

/// <summary>
/// A Go <c>text/template</c> as LogQL's <c>line_format</c> and <c>label_format</c> run it: Loki's and
/// Sprig's functions, labels as fields (a missing label is empty), <c>__line__</c> and <c>__timestamp__</c>.
/// Parse once per query; <see cref="Execute(ITemplateContext, StringBuilder)"/> is thread-safe and
/// allocates only what its output and functions need.
/// </summary>
public sealed class GoTemplate
{
    private GoTemplate(string name, string text, ListNode root)
    {
        Name = name;
        Text = text;
        Root = root;
        if (root.Nodes.Count == 1 && root.Nodes[0] is ActionNode { Pipe: { Decl.Count: 0, Commands: [{ Args: [FieldNode { Ident: [var key] }] }] } })
        {
            SimpleLabel = key;
        }
    }

    /// <summary>The template's name as it appears in error messages (<c>line</c> or <c>label</c> in Loki).</summary>
    public string Name { get; }

    /// <summary>The template source.</summary>
    public string Text { get; }

    internal ListNode Root { get; }

    /// <summary>Set when the whole template is <c>{{.name}}</c>: the label can be copied without executing.</summary>
    public string? SimpleLabel { get; }

    /// <summary>Parses a <c>line_format</c> template (named <c>line</c> in error messages, as in Loki).</summary>
    /// <exception cref="TemplateException">Go's parse error, e.g. <c>template: line:1: function "foo" not defined</c>.</exception>
    public static GoTemplate Parse(string text) => Parse(text, "line");

    /// <summary>Parses a template named <paramref name="name"/>: Loki uses <c>line</c> for <c>line_format</c> and <c>label</c> for <c>label_format</c>.</summary>
    /// <exception cref="TemplateException">Go's parse error, e.g. <c>template: label:1: unexpected EOF</c>.</exception>
    public static GoTemplate Parse(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(name);
        return new GoTemplate(name, text, TemplateParser.Parse(name, text));
    }

    /// <summary>Runs the template for one entry, appending its output to <paramref name="output"/>.</summary>
    /// <exception cref="TemplateException">
    /// Go's execution error; what was appended before the error stays in <paramref name="output"/> (Loki
    /// discards it and keeps the original line).
    /// </exception>
    public void Execute(ITemplateContext context, StringBuilder output)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        var executor = TemplateExecutor.Rent();
        try
        {
            executor.Run(this, context, output);
        }
        finally
        {
            TemplateExecutor.Return(executor);
        }
    }

    /// <summary>
    /// Runs the template like <see cref="Execute(ITemplateContext, StringBuilder)"/> but reports an
    /// execution error as <paramref name="error"/> (Loki's <c>__error_details__</c>) instead of throwing.
    /// On error <paramref name="output"/> is restored to its length on entry.
    /// </summary>
    public bool TryExecute(ITemplateContext context, StringBuilder output, out string? error)
    {
        ArgumentNullException.ThrowIfNull(output);
        var length = output.Length;
        try
        {
            Execute(context, output);
            error = null;
            return true;
        }
        catch (TemplateException ex)
        {
            output.Length = length;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>
    /// Runs the template and writes its output as UTF-8 to <paramref name="output"/>, using
    /// <paramref name="scratch"/> (cleared first) as the intermediate buffer so a caller that keeps one
    /// per thread allocates nothing per line.
    /// </summary>
    /// <exception cref="TemplateException">Go's execution error; nothing is written to <paramref name="output"/>.</exception>
    public void Execute(ITemplateContext context, IBufferWriter<byte> output, StringBuilder scratch)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(scratch);
        scratch.Clear();
        Execute(context, scratch);
        // One encoder across chunks so a surrogate pair split between two chunks encodes correctly.
        var encoder = t_encoder ??= Encoding.UTF8.GetEncoder();
        encoder.Reset();
        var remaining = scratch.Length;
        foreach (var chunk in scratch.GetChunks())
        {
            var span = chunk.Span;
            remaining -= span.Length;
            var destination = output.GetSpan(Encoding.UTF8.GetMaxByteCount(span.Length));
            var written = encoder.GetBytes(span, destination, flush: remaining == 0);
            output.Advance(written);
        }
    }

    [ThreadStatic]
    private static Encoder? t_encoder;

    /// <inheritdoc/>
    public override string ToString() => Text;
}
