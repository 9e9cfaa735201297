namespace Loggia.Storage.Blocks;

/// <summary>One entry to write into a block.</summary>
/// <param name="TimestampNanos">UTC nanoseconds since the epoch.</param>
/// <param name="Line">The log line, UTF-8.</param>
/// <param name="Metadata">Structured metadata (<see cref="EntryMetadata.Empty"/> for none).</param>
public readonly record struct BlockEntry(long TimestampNanos, ReadOnlyMemory<byte> Line, EntryMetadata Metadata);

/// <summary>One stream to write into a block: its identity and its entries in time order.</summary>
/// <param name="Fingerprint">The stream's 64-bit fingerprint.</param>
/// <param name="LabelsText">The canonical label string (<c>{app="api", env="prod"}</c>); blocks are sorted by it.</param>
/// <param name="Labels">The label pairs, sorted by name.</param>
/// <param name="Entries">The entries, sorted by timestamp.</param>
public sealed record BlockStreamInput(ulong Fingerprint, string LabelsText, IReadOnlyList<KeyValuePair<string, string>> Labels, IReadOnlyList<BlockEntry> Entries);
