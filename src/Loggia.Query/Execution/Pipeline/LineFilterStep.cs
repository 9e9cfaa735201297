namespace Loggia.Query.Execution.Pipeline;

/// <summary>Line filters after a stage that may change the line (they see the line as that stage left it).</summary>
internal sealed class LineFilterStep(LinePipeline filters) : PipelineStep
{
    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels) => filters.Matches(line);
}
