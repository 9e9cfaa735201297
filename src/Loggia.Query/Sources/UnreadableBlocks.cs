namespace Loggia.Query.Sources;

/// <summary>
/// Collects the blocks one request skipped as unreadable, from any thread (block sources open in parallel), and hands
/// each to an observer (the server logs and counts them). A query answers from the healthy data and carries
/// <see cref="Warnings"/>.
/// </summary>
/// <param name="observer">Called once per skipped block, on the thread that found it; null: only collect.</param>
public sealed class UnreadableBlocks(Action<UnreadableBlock>? observer = null)
{
    private readonly Lock _lock = new();
    private readonly List<UnreadableBlock> _blocks = [];

    /// <summary>Records a skipped block; a block already reported by this request (a metric query may scan twice) is not repeated.</summary>
    public void Report(UnreadableBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        lock (_lock)
        {
            foreach (var known in _blocks)
            {
                if (string.Equals(known.Path, block.Path, StringComparison.Ordinal))
                {
                    return;
                }
            }

            _blocks.Add(block);
        }

        observer?.Invoke(block);
    }

    /// <summary>The blocks skipped so far, in the order found.</summary>
    public IReadOnlyList<UnreadableBlock> Blocks
    {
        get
        {
            lock (_lock)
            {
                return [.. _blocks];
            }
        }
    }

    /// <summary>One warning per skipped block, ordered by block time so answers are stable; empty when none.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var blocks = new List<UnreadableBlock>(Blocks);
            blocks.Sort(static (a, b) => a.MinTimeNanos != b.MinTimeNanos ? a.MinTimeNanos.CompareTo(b.MinTimeNanos) : string.CompareOrdinal(a.Path, b.Path));
            var warnings = new string[blocks.Count];
            for (var i = 0; i < warnings.Length; i++)
            {
                warnings[i] = blocks[i].Warning;
            }

            return warnings;
        }
    }
}
