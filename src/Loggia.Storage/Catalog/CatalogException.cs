namespace Loggia.Storage.Catalog;

/// <summary>
/// The catalog database cannot be used: it is corrupt, is not a Loggia catalog, or was written by a
/// newer version of Loggia. The message names the file; this is an operator problem, not a retryable one.
/// </summary>
public class CatalogException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public CatalogException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CatalogException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public CatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
