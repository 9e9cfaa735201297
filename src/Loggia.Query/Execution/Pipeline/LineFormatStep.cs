using System.Buffers;
using System.Text;
using Loggia.Query.Execution.Templates;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// <c>| line_format "template"</c>: the template's output (UTF-8, in a buffer this step owns) becomes the line, so
/// later line filters and stages see it. The template reads Loki's label map, <c>__line__</c> (the line as it
/// reaches this stage) and <c>__timestamp__</c>. An execution error keeps the line and sets
/// <c>__error__="TemplateFormatErr"</c> with Go's message in <c>__error_details__</c>.
/// </summary>
/// <remarks>
/// As in Loki, a template that is just <c>{{.name}}</c> copies the label's value (empty when absent) without
/// running the template; that lookup does not see <c>__error__</c>, exactly as Loki's does not.
/// </remarks>
internal sealed class LineFormatStep : PipelineStep
{
    private readonly GoTemplate _template;
    private readonly string? _simpleLabel;
    private readonly EntryTemplateContext _context;
    private readonly StringBuilder _scratch = new();
    private readonly ArrayBufferWriter<byte> _output = new(256);

    public LineFormatStep(GoTemplate template)
    {
        _template = template;
        _simpleLabel = template.SimpleLabel;
        _context = new EntryTemplateContext(EntryTemplateContext.UsesLine(template));
    }

    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        _output.ResetWrittenCount();
        if (_simpleLabel is not null)
        {
            if (labels.TryGet(_simpleLabel, out var value) && value.Length != 0)
            {
                var span = _output.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length));
                _output.Advance(Encoding.UTF8.GetBytes(value, span));
            }
            line = _output.WrittenSpan;
            return true;
        }
        _context.SetEntry(line, labels.TimestampNanos);
        _context.BindLabels(labels);
        try
        {
            _template.Execute(_context, _output, _scratch);
        }
        catch (TemplateException e)
        {
            labels.Error = TemplateException.ErrorLabelValue;
            labels.ErrorDetails = e.Message;
            return true;
        }
        line = _output.WrittenSpan;
        return true;
    }
}
