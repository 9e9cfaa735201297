using Loggia.Query.Execution.Templates;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// The one place where <c>line_format</c> and <c>label_format</c> become steps: their templates are parsed with the
/// Go text/template engine (<see cref="GoTemplate"/>, named <c>line</c> and <c>label</c> as in Loki), and a stage
/// Loki's <c>NewFormatter</c>/<c>NewLabelsFormatter</c> rejects fails the query as Loki's stage error, a parse error
/// (HTTP 400): <c>parse error : stage '| line_format "{{.a"' : invalid line template: template: line:1: unclosed action</c>.
/// </summary>
internal static class TemplateStages
{
    /// <exception cref="LogQLParseException">The template does not parse.</exception>
    public static PipelineStep CompileLineFormat(LineFormatStage stage)
    {
        try
        {
            return new LineFormatStep(GoTemplate.Parse(stage.Template, "line"));
        }
        catch (TemplateException e)
        {
            throw StageError(stage, "invalid line template: " + e.Message);
        }
    }

    /// <exception cref="LogQLParseException">
    /// An item formats <c>__error__</c>, a label is formatted twice, or a template does not parse.
    /// </exception>
    public static PipelineStep CompileLabelFormat(LabelFormatStage stage, LabelValueInterner values)
    {
        var items = new LabelFormatStep.Item[stage.Items.Count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i++)
        {
            var name = stage.Items[i].Name;
            if (name == LabelNames.Error)
            {
                throw StageError(stage, name + " cannot be formatted");
            }
            if (!names.Add(name))
            {
                throw StageError(stage, $"multiple label name '{name}' not allowed in a single format operation");
            }
        }
        for (var i = 0; i < items.Length; i++)
        {
            var item = stage.Items[i];
            if (item.IsRename)
            {
                items[i] = new LabelFormatStep.Item(item.Name, item.Value, null);
                continue;
            }
            try
            {
                items[i] = new LabelFormatStep.Item(item.Name, "", GoTemplate.Parse(item.Value, "label"));
            }
            catch (TemplateException e)
            {
                throw StageError(stage, $"invalid template for label '{item.Name}': {e.Message}");
            }
        }
        return new LabelFormatStep(items, values);
    }

    /// <summary>Loki's <c>logqlmodel.NewStageError</c>: <c>stage '&lt;stage&gt;' : &lt;error&gt;</c> as a parse error without position.</summary>
    private static LogQLParseException StageError(PipelineStage stage, string message) =>
        new($"stage '{stage}' : {message}", 0, 0);
}
