using System.Buffers;
using System.Text;
using Loggia.Query.Execution.Templates;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| label_format dst=src, dst="template", …</c>, item by item as Loki's <c>LabelsFormatter</c> runs them:
/// <list type="bullet">
/// <item>a rename reads <c>src</c> as the labels are at that point (earlier items included); when present, its value
/// is set on <c>dst</c> (replacing any label of that name, a stream label too) and <c>src</c> is deleted, so
/// <c>a=a</c> removes <c>a</c>, as in Loki;</item>
/// <item>a template reads Loki's label map taken once, at the stage's first template item (after the renames before
/// it; retaken while empty), so templates do not see each other's results; its output is set on <c>dst</c>.</item>
/// </list>
/// Results are parsed labels. A template execution error skips that item and sets
/// <c>__error__="TemplateFormatErr"</c> and <c>__error_details__</c>; the entry is kept.
/// </summary>
internal sealed class LabelFormatStep : PipelineStep
{
    private readonly Item[] _items;
    private readonly LabelValueInterner _values;
    private readonly EntryTemplateContext _context;
    private readonly StringBuilder _scratch = new();
    private readonly ArrayBufferWriter<byte> _output = new(64);

    /// <summary>One item: a rename when <see cref="Template"/> is null (then <see cref="Source"/> is the label renamed).</summary>
    internal readonly record struct Item(string Name, string Source, GoTemplate? Template);

    public LabelFormatStep(Item[] items, LabelValueInterner values)
    {
        _items = items;
        _values = values;
        var usesLine = false;
        foreach (var item in items)
        {
            usesLine |= item.Template is { } t && EntryTemplateContext.UsesLine(t);
        }
        _context = new EntryTemplateContext(usesLine);
    }

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        var started = false;
        foreach (var item in _items)
        {
            if (item.Template is not { } template)
            {
                if (labels.TryGet(item.Source, out var renamed))
                {
                    SetLabel(labels, item.Name, renamed);
                    labels.Delete(item.Source);
                }
                continue;
            }
            if (!started)
            {
                _context.SetEntry(line, labels.TimestampNanos);
                _context.CaptureLabels(labels);
                started = true;
            }
            else if (_context.LabelCount == 0)
            {
                _context.CaptureLabels(labels);
            }
            string value;
            if (template.SimpleLabel is { } key)
            {
                _context.TryGetValue(key, out value);
            }
            else
            {
                _output.ResetWrittenCount();
                try
                {
                    template.Execute(_context, _output, _scratch);
                }
                catch (TemplateException e)
                {
                    labels.Error = TemplateException.ErrorLabelValue;
                    labels.ErrorDetails = e.Message;
                    continue;
                }
                value = _values.Get(_output.WrittenSpan);
            }
            SetLabel(labels, item.Name, value);
        }
        return true;
    }

    private static void SetLabel(LabelsBuilder labels, string name, string value)
    {
        // The error details live beside the labels (as in Loki's builder), not as a second label of that name.
        if (name == LabelNames.ErrorDetails)
        {
            labels.ErrorDetails = value;
            return;
        }
        labels.Set(LabelCategory.Parsed, name, value);
    }
}
