using Loggia.Core.Model;

namespace Loggia.Storage.Retention;

/// <summary>
/// The retention of one tenant: its <c>retention_period</c> and <c>retention_stream</c> rules, resolved per stream
/// with Loki's semantics (the matching rule of highest priority, the shortest period among equals, else the
/// tenant's period). A period of zero keeps data forever, as in Loki.
/// </summary>
public sealed class TenantRetention
{
    /// <summary>Keeps everything forever.</summary>
    public static TenantRetention Forever { get; } = new(TimeSpan.Zero, []);

    public TenantRetention(TimeSpan period, IReadOnlyList<StreamRetentionRule> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        if (period < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), "a retention period cannot be negative");
        }
        Period = period;
        Streams = streams;
        var shortest = period;
        foreach (var rule in streams)
        {
            if (rule.Period > TimeSpan.Zero && (shortest == TimeSpan.Zero || rule.Period < shortest))
            {
                shortest = rule.Period;
            }
        }
        ShortestPeriod = shortest;
    }

    /// <summary>The tenant's <c>retention_period</c>, for streams no rule matches.</summary>
    public TimeSpan Period { get; }

    /// <summary>The tenant's <c>retention_stream</c> rules.</summary>
    public IReadOnlyList<StreamRetentionRule> Streams { get; }

    /// <summary>The shortest finite period of any rule: data younger than it is never expired. Zero when nothing expires.</summary>
    public TimeSpan ShortestPeriod { get; }

    /// <summary>The period that applies to a stream, and the rule that chose it (null: the tenant's period).</summary>
    public (TimeSpan Period, StreamRetentionRule? Rule) For(Labels stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        StreamRetentionRule? chosen = null;
        foreach (var rule in Streams)
        {
            if (!rule.Matches(stream))
            {
                continue;
            }
            if (chosen is null || rule.Priority > chosen.Priority || (rule.Priority == chosen.Priority && rule.Period < chosen.Period))
            {
                chosen = rule;
            }
        }
        return chosen is null ? (Period, null) : (chosen.Period, chosen);
    }
}
