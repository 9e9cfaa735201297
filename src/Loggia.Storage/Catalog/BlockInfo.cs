namespace Loggia.Storage.Catalog;

/// <summary>
/// One published block as the catalog records it: where the immutable Parquet file lives and what
/// the query planner needs to decide whether to open it.
/// </summary>
/// <param name="Id">
/// Unique block id. It is also the file's base name (<c>&lt;Id&gt;.parquet</c>), so publishing the
/// same id twice is either a retry (identical content, accepted) or a bug (rejected).
/// </param>
/// <param name="Tenant">The tenant whose data the block holds; a block never mixes tenants.</param>
/// <param name="Path">
/// Location of the Parquet file relative to the data directory, with <c>/</c> separators and ending
/// in <c>.parquet</c> (e.g. <c>blocks/fake/2025/01/31/13/01J....parquet</c>). The block index
/// sidecar sits next to it with the <c>.idx</c> extension. Relative so a data directory can move.
/// </param>
/// <param name="MinTimeNanos">Earliest entry timestamp in the block, nanoseconds since the Unix epoch, inclusive.</param>
/// <param name="MaxTimeNanos">Latest entry timestamp in the block, nanoseconds since the Unix epoch, inclusive.</param>
/// <param name="Rows">Number of log entries (Parquet rows).</param>
/// <param name="Bytes">Size of the Parquet file in bytes (the sidecar is not counted).</param>
/// <param name="StreamCount">Number of distinct streams in the block.</param>
/// <param name="Checksum">Checksum of the Parquet file as lowercase hexadecimal; the algorithm is the block writer's choice.</param>
/// <param name="CreatedAt">
/// When the block was written. Stored with 100-ns precision as an instant: it reads back with a
/// zero offset, which compares equal to the original.
/// </param>
/// <param name="Level">0 for a block flushed from the head; greater than 0 for a block produced by compaction.</param>
public sealed record BlockInfo(
    string Id,
    string Tenant,
    string Path,
    long MinTimeNanos,
    long MaxTimeNanos,
    long Rows,
    long Bytes,
    long StreamCount,
    string Checksum,
    DateTimeOffset CreatedAt,
    int Level)
{
    /// <summary>Extension of a block's Parquet data file.</summary>
    public const string DataExtension = ".parquet";

    /// <summary>Extension of a block's index sidecar file.</summary>
    public const string IndexExtension = ".idx";

    /// <summary>Extension of a block's term file (the term index, ADR 0005); optional: derived data.</summary>
    public const string TermsExtension = ".terms";

    /// <summary>The term file's path, relative to the data directory: <see cref="Path"/> with <c>.terms</c> instead of <c>.parquet</c>.</summary>
    public string TermsPath => string.Concat(Path.AsSpan(0, Path.Length - DataExtension.Length), TermsExtension);

    /// <summary>The sidecar's path, relative to the data directory: <see cref="Path"/> with <c>.idx</c> instead of <c>.parquet</c>.</summary>
    public string IndexPath => IndexPathOf(Path);

    /// <summary>The relative path of the index sidecar of the block whose data file is at <paramref name="dataPath"/>.</summary>
    public static string IndexPathOf(string dataPath)
    {
        ArgumentNullException.ThrowIfNull(dataPath);
        return dataPath.EndsWith(DataExtension, StringComparison.Ordinal)
            ? string.Concat(dataPath.AsSpan(0, dataPath.Length - DataExtension.Length), IndexExtension)
            : dataPath + IndexExtension;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when the block cannot be stored: every catalog calls
    /// this first, so a malformed record never reaches disk whatever the backend.
    /// </summary>
    internal void Validate()
    {
        RequireText(Id, nameof(Id));
        RequireText(Tenant, nameof(Tenant));
        RequireText(Path, nameof(Path));
        RequireText(Checksum, nameof(Checksum));

        // The id names the file, so it must be a plain file-name component.
        if (Id.AsSpan().IndexOfAny('/', '\\') >= 0 || Id is "." or "..")
        {
            throw Invalid($"Block id '{Id}' must not contain path separators.");
        }

        ValidatePath();

        if (MinTimeNanos > MaxTimeNanos)
        {
            throw Invalid($"Block '{Id}' has MinTimeNanos {MinTimeNanos} after MaxTimeNanos {MaxTimeNanos}.");
        }

        if (Rows < 0 || Bytes < 0 || StreamCount < 0 || Level < 0)
        {
            throw Invalid($"Block '{Id}' has a negative Rows, Bytes, StreamCount or Level.");
        }

        foreach (var c in Checksum)
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                throw Invalid($"Block '{Id}' checksum '{Checksum}' is not lowercase hexadecimal.");
            }
        }

        // Stored as int64 nanoseconds since the epoch, like every other time in Loggia.
        if (CreatedAt < CatalogTime.MinCreatedAt || CreatedAt > CatalogTime.MaxCreatedAt)
        {
            throw Invalid($"Block '{Id}' CreatedAt {CreatedAt:O} is outside the range of int64 Unix nanoseconds.");
        }
    }

    private void ValidatePath()
    {
        // Relative, '/'-separated and without '.'/'..' segments: the catalog must never point a
        // reader or the garbage collector outside the data directory.
        if (Path.StartsWith('/') || Path.Contains('\\', StringComparison.Ordinal) || System.IO.Path.IsPathRooted(Path))
        {
            throw Invalid($"Block '{Id}' path '{Path}' must be relative with '/' separators.");
        }

        foreach (var segment in Path.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                throw Invalid($"Block '{Id}' path '{Path}' has an empty, '.' or '..' segment.");
            }
        }

        if (!Path.EndsWith(DataExtension, StringComparison.Ordinal) || Path.Length == DataExtension.Length)
        {
            throw Invalid($"Block '{Id}' path '{Path}' must end with '{DataExtension}'.");
        }
    }

    private static void RequireText(string value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"Block {name} must not be empty.", name);
        }
    }

    private static ArgumentException Invalid(string message) => new(message);
}
