using System.Collections;

namespace Loggia.Storage.Head;

/// <summary>
/// The result of <see cref="Head.Select"/>: one snapshot per matching stream, plus the ids of blocks whose data the
/// head still served when the snapshots were taken.
/// </summary>
/// <remarks>
/// A flush publishes its block in the catalog before it removes the entries from the head, so for a moment both
/// hold them. A query must read the head first and then the catalog, and skip the blocks listed in
/// <see cref="BlocksStillInHead"/>: then every entry is read exactly once, whatever the flush does meanwhile.
/// </remarks>
public sealed class HeadSelection : IReadOnlyList<HeadStreamSnapshot>
{
    private readonly List<HeadStreamSnapshot> _streams;

    internal HeadSelection(List<HeadStreamSnapshot> streams, IReadOnlySet<string> blocksStillInHead)
    {
        _streams = streams;
        BlocksStillInHead = blocksStillInHead;
    }

    internal static HeadSelection Empty { get; } = new([], new HashSet<string>(StringComparer.Ordinal));

    /// <summary>Block ids the query must skip in the catalog: their entries are in these snapshots.</summary>
    public IReadOnlySet<string> BlocksStillInHead { get; }

    /// <inheritdoc/>
    public int Count => _streams.Count;

    /// <inheritdoc/>
    public HeadStreamSnapshot this[int index] => _streams[index];

    /// <inheritdoc/>
    public IEnumerator<HeadStreamSnapshot> GetEnumerator() => _streams.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
