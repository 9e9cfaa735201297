namespace Loggia.Parquet;

/// <summary>
/// Raised when a Parquet file is truncated, corrupted or uses a feature this library does not read.
/// It names the file (when known) and the byte offset where the problem was found, so an operator
/// can locate the damage; readers never surface IndexOutOfRange or NullReference for bad input.
/// </summary>
public sealed class ParquetFormatException : Exception
{
    /// <summary>Creates an exception for a problem at <paramref name="offset"/> (-1 when unknown).</summary>
    public ParquetFormatException(string message, long offset = -1, string? filePath = null, Exception? innerException = null)
        : base(Describe(message, offset, filePath), innerException)
    {
        Offset = offset;
        FilePath = filePath;
        Reason = message;
    }

    public ParquetFormatException()
        : this("invalid Parquet data")
    {
    }

    public ParquetFormatException(string message)
        : this(message, -1)
    {
    }

    public ParquetFormatException(string message, Exception innerException)
        : this(message, -1, null, innerException)
    {
    }

    /// <summary>Byte offset in the file where the problem was detected, or -1.</summary>
    public long Offset { get; }

    /// <summary>The file being read, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The problem without the location prefix.</summary>
    public string Reason { get; }

    /// <summary>Returns a copy of this exception that names <paramref name="path"/> and, if given, a file offset.</summary>
    public ParquetFormatException WithLocation(string? path, long offset) =>
        new(Reason, Offset >= 0 ? Offset : offset, FilePath ?? path, InnerException);

    private static string Describe(string message, long offset, string? filePath)
    {
        var where = (filePath, offset) switch
        {
            (null, < 0) => "",
            (null, _) => $" (at offset {offset})",
            (_, < 0) => $" (in {filePath})",
            _ => $" (in {filePath} at offset {offset})",
        };
        return "parquet: " + message + where;
    }
}
