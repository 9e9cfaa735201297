using System.Text;

namespace Loggia.Query.Execution;

/// <summary>
/// <c>|= "needle"</c>: an ordinal byte search with the BCL's vectorized <see cref="MemoryExtensions.IndexOf{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>.
/// Several needles (<c>|= "a" or "b"</c>) are searched one after the other: each search is vectorized, which
/// beats a scalar multi-needle automaton for the handful of needles queries use.
/// </summary>
internal sealed class ContainsPredicate : LinePredicate
{
    private readonly byte[][] _needles;

    private ContainsPredicate(byte[][] needles) => _needles = needles;

    /// <summary>Creates the filter; an empty needle matches every line, as in Loki.</summary>
    public static LinePredicate Create(IReadOnlyList<string> needles)
    {
        var bytes = new byte[needles.Count][];
        for (var i = 0; i < needles.Count; i++)
        {
            if (needles[i].Length == 0)
            {
                return True;
            }
            bytes[i] = Encoding.UTF8.GetBytes(needles[i]);
        }
        return new ContainsPredicate(bytes);
    }

    public override bool Matches(ReadOnlySpan<byte> line)
    {
        var needles = _needles;
        for (var i = 0; i < needles.Length; i++)
        {
            if (line.IndexOf(needles[i]) >= 0)
            {
                return true;
            }
        }
        return false;
    }
}
