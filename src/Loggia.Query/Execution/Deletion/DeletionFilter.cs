using Loggia.Core.Model;

namespace Loggia.Query.Execution.Deletion;

/// <summary>The delete requests of one tenant that apply to a query: hides their entries from every read.</summary>
public sealed class DeletionFilter(IReadOnlyList<DeletionRule> rules)
{
    /// <summary>The compiled requests.</summary>
    public IReadOnlyList<DeletionRule> Rules { get; } = rules ?? throw new ArgumentNullException(nameof(rules));

    /// <summary>
    /// The evaluator for one stream's entries between the given bounds (ns, inclusive), or null when no request
    /// covers them (the common case: such streams are read without any per-entry check).
    /// </summary>
    public StreamDeletion? ForStream(Labels stream, long minNanos = long.MinValue, long maxNanos = long.MaxValue)
    {
        List<DeletionRule>? applicable = null;
        foreach (var rule in Rules)
        {
            if (rule.Covers(stream, minNanos, maxNanos))
            {
                (applicable ??= []).Add(rule);
            }
        }
        return applicable is null ? null : new StreamDeletion(stream, applicable);
    }
}
