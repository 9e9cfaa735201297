namespace Loggia.Ingest.Elasticsearch;

/// <summary>A bulk body Elasticsearch refuses as a whole (a malformed action line): 400 <c>illegal_argument_exception</c>.</summary>
public sealed class BulkRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BulkRequestException()
    {
    }

    /// <summary>Creates the exception with Elasticsearch's reason.</summary>
    public BulkRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public BulkRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
