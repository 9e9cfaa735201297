namespace Loggia.Storage.Blocks;

/// <summary>
/// The token part of a scan's pushdown: hashes (<c>Loggia.Core.Tokens.Terms</c>) that every matching entry is known
/// to contain — line terms, and structured-metadata pair hashes. Storage skips row groups whose filters rule out any
/// of them; it knows nothing of the query that produced them.
/// </summary>
/// <param name="LineTokens">Term hashes every matching line contains.</param>
/// <param name="MetadataTokens">Pair hashes every matching entry's structured metadata contains.</param>
public sealed record RequiredTokens(ulong[] LineTokens, ulong[] MetadataTokens)
{
    /// <summary>No requirement.</summary>
    public static RequiredTokens None { get; } = new([], []);

    /// <summary>Whether nothing is required.</summary>
    public bool IsEmpty => LineTokens.Length == 0 && MetadataTokens.Length == 0;
}
