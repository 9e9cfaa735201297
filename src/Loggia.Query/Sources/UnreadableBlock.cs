using Loggia.Query.Http;
using Loggia.Storage.Blocks;

namespace Loggia.Query.Sources;

/// <summary>
/// A block a query skipped because it could not be read (damaged, truncated or missing): which file, the time range
/// its entries cover (from the catalog, since the block's own index may be the damaged part), and why.
/// </summary>
/// <param name="Path">The block's Parquet file.</param>
/// <param name="MinTimeNanos">The block's first timestamp.</param>
/// <param name="MaxTimeNanos">The block's last timestamp (inclusive).</param>
/// <param name="Reason">What went wrong, without the path.</param>
public sealed record UnreadableBlock(string Path, long MinTimeNanos, long MaxTimeNanos, string Reason)
{
    /// <summary>The block id: the file name without its extension (time-sortable, unique).</summary>
    public string BlockId => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>The warning a query answer carries: names the block and the range of entries missing from the answer.</summary>
    public string Warning =>
        $"block {BlockId} is unreadable and was skipped: entries from {FormatTime(MinTimeNanos)} to {FormatTime(MaxTimeNanos)} are missing from this answer ({Reason})";

    /// <summary>A short reason for <paramref name="exception"/> that does not repeat the block's path.</summary>
    public static string ReasonOf(Exception exception) => exception switch
    {
        BlockCorruptException corrupt => corrupt.Reason,
        FileNotFoundException or DirectoryNotFoundException => "block file is missing",
        EndOfStreamException => "block file is truncated",
        _ => exception.Message,
    };

    private static string FormatTime(long nanos) =>
        nanos is long.MinValue or long.MaxValue ? "unknown" : GoTimeFormat.Rfc3339Nano(nanos);
}
