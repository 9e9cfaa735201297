using Loggia.Core.Model;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// Interns <see cref="LabelsResult"/>s per processor: entries of one stream with the same metadata share one
/// instance, so a scan allocates label sets only for combinations it has not seen.
/// </summary>
internal sealed class LabelsResultCache
{
    private readonly Dictionary<Labels, LabelsResult> _bare = new(ReferenceEqualityComparer.Instance);
    private readonly List<LabelPair> _scratch = [];

    public LabelsResult Get(Labels stream, ReadOnlySpan<LabelPair> structuredMetadata)
    {
        if (structuredMetadata.IsEmpty)
        {
            if (!_bare.TryGetValue(stream, out var result))
            {
                _bare[stream] = result = new LabelsResult(stream, Labels.Empty, Labels.Empty);
            }
            return result;
        }
        _scratch.Clear();
        foreach (var p in structuredMetadata)
        {
            _scratch.Add(p);
        }
        return new LabelsResult(stream, Labels.Create(_scratch.ToArray()), Labels.Empty);
    }
}
