using Loggia.Core.Model;
using Loggia.Query.Execution.Pipeline;

namespace Loggia.Query.Execution.Deletion;

/// <summary>Decides, entry by entry, whether the delete requests covering one stream remove it. Not thread-safe.</summary>
public sealed class StreamDeletion
{
    private readonly Labels _stream;
    private readonly DeletionRule[] _rules;
    private readonly PipelineProcessor?[] _processors;

    internal StreamDeletion(Labels stream, List<DeletionRule> rules)
    {
        _stream = stream;
        _rules = [.. rules];
        _processors = new PipelineProcessor?[_rules.Length];
    }

    /// <summary>Whether any covering request deletes the entry.</summary>
    public bool IsDeleted(long timestampNanos, ReadOnlySpan<byte> line, ReadOnlySpan<LabelPair> structuredMetadata)
    {
        for (var i = 0; i < _rules.Length; i++)
        {
            var rule = _rules[i];
            if (timestampNanos < rule.StartNanos || timestampNanos > rule.EndNanos)
            {
                continue;
            }
            if (rule.Pipeline is null)
            {
                return true;
            }
            var processor = _processors[i] ??= rule.Pipeline.CreateProcessor();
            if (processor.Process(timestampNanos, line, _stream, structuredMetadata))
            {
                return true;
            }
        }
        return false;
    }
}
