using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// The one place where <c>line_format</c> and <c>label_format</c> become steps. They need the Go text/template
/// engine (Execution/Templates), which is built separately; until it is wired here they are rejected.
/// </summary>
internal static class TemplateStages
{
    public static PipelineStep CompileLineFormat(LineFormatStage stage)
    {
        _ = stage;
        throw new NotSupportedException("line_format is not supported yet");
    }

    public static PipelineStep CompileLabelFormat(LabelFormatStage stage)
    {
        _ = stage;
        throw new NotSupportedException("label_format is not supported yet");
    }
}
