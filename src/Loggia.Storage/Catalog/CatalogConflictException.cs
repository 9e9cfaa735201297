namespace Loggia.Storage.Catalog;

/// <summary>
/// A write was refused because the catalog's content contradicts it and nothing was changed: a block
/// id or path already recorded with different content, or a block to replace that is no longer there
/// (another compactor or retention run won). The caller should discard its output, not retry blindly.
/// </summary>
public sealed class CatalogConflictException : CatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public CatalogConflictException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CatalogConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public CatalogConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
