using Loggia.Query.Execution;

namespace Loggia.Query.Sources;

/// <summary>
/// Several block sources opened in parallel on all cores: each block's scan (decompression,
/// decoding, line filtering) is independent, and the engine merges the resulting cursors by time.
/// </summary>
public sealed class ParallelBlockSources(IReadOnlyList<ILogSource> blocks) : ILogSource
{
    /// <inheritdoc/>
    public IReadOnlyList<IStreamCursor> OpenStreams(LogScanRequest request, CancellationToken cancellationToken)
    {
        var results = new IReadOnlyList<IStreamCursor>[blocks.Count];
        Parallel.For(
            0,
            blocks.Count,
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => results[i] = blocks[i].OpenStreams(request, cancellationToken));
        var cursors = new List<IStreamCursor>();
        foreach (var result in results)
        {
            cursors.AddRange(result);
        }

        return cursors;
    }
}
