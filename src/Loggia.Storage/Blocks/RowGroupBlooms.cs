namespace Loggia.Storage.Blocks;

/// <summary>A row group's token filters: one over its line terms, one over its structured-metadata <c>name=value</c> pairs.</summary>
/// <param name="Lines">Terms of every line in the row group.</param>
/// <param name="Metadata">Pair hashes of every entry's structured metadata in the row group.</param>
public sealed record RowGroupBlooms(TokenBloomFilter Lines, TokenBloomFilter Metadata)
{
    /// <summary>Whether the row group may hold an entry with every required token (false: it certainly holds none).</summary>
    public bool MayMatch(RequiredTokens required)
    {
        ArgumentNullException.ThrowIfNull(required);
        return Lines.MayContainAll(required.LineTokens) && Metadata.MayContainAll(required.MetadataTokens);
    }
}
