namespace Loggia.Storage.Blocks;

/// <summary>Decides whether one row of a stream is removed when a block is rewritten (deletes).</summary>
/// <param name="timestampNanos">The row's timestamp.</param>
/// <param name="line">The row's line (valid only during the call).</param>
/// <param name="structuredMetadata">The row's structured metadata, or null when it has none.</param>
public delegate bool BlockRowFilter(long timestampNanos, ReadOnlySpan<byte> line, IReadOnlyList<KeyValuePair<string, string>>? structuredMetadata);
