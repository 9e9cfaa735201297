namespace Loggia.Storage.Head;

/// <summary>A head WAL record payload does not decode: truncated, malformed or from an unknown format version.</summary>
public sealed class HeadWalRecordException : Exception
{
    public HeadWalRecordException()
        : this("corrupt head WAL record")
    {
    }

    public HeadWalRecordException(string message)
        : base(message)
    {
    }

    public HeadWalRecordException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
