namespace Loggia.Query.Execution.Pipeline;

/// <summary><c>| &lt;label filter&gt;</c>: drops the entries the filter rejects.</summary>
internal sealed class LabelFilterStep(LabelPredicate predicate) : PipelineStep
{
    public override bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels) => predicate.Test(labels);
}
