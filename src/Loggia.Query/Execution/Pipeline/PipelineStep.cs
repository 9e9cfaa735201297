namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// One executable stage of a pipeline, owned by one <see cref="PipelineProcessor"/> (so it may keep scratch state
/// and caches). A stage that rewrites the line points <c>line</c> at a buffer it owns, valid until its next call.
/// </summary>
internal abstract class PipelineStep
{
    /// <summary>Processes one entry; false drops it.</summary>
    public abstract bool Process(ref ReadOnlySpan<byte> line, LabelsBuilder labels);
}
