using Loggia.Storage.Blocks;

namespace Loggia.Storage.Head;

/// <summary>
/// One entry as the head keeps it: the line and metadata point into the stream's <see cref="HeadArena"/>, memory the
/// head owns and never rewrites, so a snapshot can hand these slices out without copying.
/// </summary>
internal readonly struct HeadEntry(long timestampNanos, ReadOnlyMemory<byte> line, ReadOnlyMemory<byte> metadata)
{
    public long TimestampNanos { get; } = timestampNanos;

    public ReadOnlyMemory<byte> Line { get; } = line;

    /// <summary>The structured metadata in <see cref="EntryMetadata"/>'s byte form (empty for most entries).</summary>
    public ReadOnlyMemory<byte> Metadata { get; } = metadata;
}
