using System.Text;
using Tokens = Loggia.Core.Tokens.Terms;

namespace Loggia.Query.TermSearch;

/// <summary>
/// The terms of a histogram request, as hashes of the shared token definition (docs/formats/tokens.md): a word is
/// split into its terms like a line is (<c>txn-4f3a9</c> → <c>txn</c>, <c>4f3a9</c>; case-insensitive), and
/// <c>name=value</c> is one structured-metadata pair. <see cref="Hashes"/> lists each distinct hash once, for the index
/// lookup; <see cref="TermHashes"/> maps each term to its positions there.
/// </summary>
public sealed class TermQuery
{
    /// <summary>Most terms in one request.</summary>
    public const int MaxTerms = 32;

    private TermQuery(string[] terms, ulong[] hashes, int[][] termHashes)
    {
        Terms = terms;
        Hashes = hashes;
        TermHashes = termHashes;
    }

    /// <summary>The terms as given (trimmed).</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>Distinct hashes of all terms.</summary>
    public IReadOnlyList<ulong> Hashes { get; }

    /// <summary>Per term, the indexes into <see cref="Hashes"/> of its hashes.</summary>
    public IReadOnlyList<int[]> TermHashes { get; }

    /// <summary>Parses a comma-separated list; false with a message for the 400 when it is empty or a term has no token.</summary>
    public static bool TryParse(string? text, out TermQuery query, out string error)
    {
        query = null!;
        var terms = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (terms.Length == 0)
        {
            error = "terms: at least one term is required (terms=a,b)";
            return false;
        }

        if (terms.Length > MaxTerms)
        {
            error = $"terms: at most {MaxTerms} terms are allowed, got {terms.Length}";
            return false;
        }

        var hashes = new List<ulong>();
        var termHashes = new int[terms.Length][];
        Span<byte> scratch = stackalloc byte[Tokens.MaxTermBytes];
        for (var t = 0; t < terms.Length; t++)
        {
            var own = new List<int>();
            var equals = terms[t].IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && equals < terms[t].Length - 1)
            {
                own.Add(IndexOf(hashes, Tokens.HashPair(terms[t][..equals], terms[t][(equals + 1)..])));
            }
            else
            {
                foreach (var hash in Tokens.Enumerate(Encoding.UTF8.GetBytes(terms[t]), scratch))
                {
                    var index = IndexOf(hashes, hash);
                    if (!own.Contains(index))
                    {
                        own.Add(index);
                    }
                }
            }

            if (own.Count == 0)
            {
                error = $"terms: '{terms[t]}' has no word to search for (numbers alone are not indexed; query for them instead)";
                return false;
            }

            termHashes[t] = [.. own];
        }

        query = new TermQuery(terms, [.. hashes], termHashes);
        error = "";
        return true;
    }

    private static int IndexOf(List<ulong> hashes, ulong hash)
    {
        var index = hashes.IndexOf(hash);
        if (index < 0)
        {
            hashes.Add(hash);
            index = hashes.Count - 1;
        }

        return index;
    }
}
