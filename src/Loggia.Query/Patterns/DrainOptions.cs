namespace Loggia.Query.Patterns;

/// <summary>Settings of the <see cref="DrainMiner"/>; the defaults suit typical application and system logs.</summary>
public sealed record DrainOptions
{
    /// <summary>Leading tokens used as the path of the prefix tree (after the token count); more splits earlier.</summary>
    public int PrefixTokens { get; init; }

    /// <summary>Share of positions with equal tokens at which a line joins a cluster (Drain's similarity threshold).</summary>
    public double SimilarityThreshold { get; init; } = 0.4;

    /// <summary>Children per tree node before further tokens share the wildcard branch (bounds the tree).</summary>
    public int MaxChildren { get; init; } = 100;

    /// <summary>Clusters kept; beyond it the least recently matched one is forgotten (bounds memory).</summary>
    public int MaxClusters { get; init; } = 300;

    /// <summary>Tokens of a line considered; the rest of a longer line is one final token (bounds work per line).</summary>
    public int MaxTokens { get; init; } = 128;
}
