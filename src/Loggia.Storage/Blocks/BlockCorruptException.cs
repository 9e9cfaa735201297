namespace Loggia.Storage.Blocks;

/// <summary>A block file or its index is damaged (checksum mismatch, truncation, bad format). Names the file.</summary>
public sealed class BlockCorruptException : Exception
{
    public BlockCorruptException(string message, string? path, Exception? innerException = null)
        : base(path is null ? message : $"{message} ({path})", innerException)
    {
        FilePath = path;
        Reason = message;
    }

    public BlockCorruptException()
        : this("block is corrupt", path: null)
    {
    }

    public BlockCorruptException(string message)
        : this(message, path: null)
    {
    }

    public BlockCorruptException(string message, Exception innerException)
        : this(message, path: null, innerException)
    {
    }

    /// <summary>The damaged file, when known.</summary>
    public string? FilePath { get; }

    /// <summary>What is wrong, without the file name (for messages that name the block otherwise).</summary>
    public string Reason { get; }
}
