using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Loggia.Core.Model;

namespace Loggia.Server.Ingest.Rules;

/// <summary>
/// Keeps ingest rules from exploding the number of streams: per tenant and label name, at most a configured number
/// of distinct values may be promoted to a stream label. A value beyond the limit is not dropped: the rule keeps it
/// as structured metadata instead, and the demotion is counted. Values are tracked since the server started.
/// </summary>
public sealed class LabelCardinalityGuard
{
    private static readonly Meter Meter = new("Loggia.IngestRules");
    private static readonly Counter<long> Demoted = Meter.CreateCounter<long>(
        "loggia_ingest_rule_labels_demoted_total", description: "Label values an ingest rule kept as structured metadata because the label reached its distinct-value limit, per tenant and label.");

    private readonly int _maxValuesPerLabel;
    private readonly ConcurrentDictionary<(string Tenant, string Label), HashSet<string>> _values = new();

    /// <summary>Creates a guard; <paramref name="maxValuesPerLabel"/> 0 means no limit.</summary>
    public LabelCardinalityGuard(int maxValuesPerLabel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValuesPerLabel);
        _maxValuesPerLabel = maxValuesPerLabel;
    }

    /// <summary>The limit (0: none).</summary>
    public int MaxValuesPerLabel => _maxValuesPerLabel;

    /// <summary>Whether <paramref name="value"/> may become a value of label <paramref name="label"/> for <paramref name="tenant"/>.</summary>
    public bool Admit(TenantId tenant, string label, string value)
    {
        if (_maxValuesPerLabel == 0)
        {
            return true;
        }

        var values = _values.GetOrAdd((tenant.Value, label), static _ => new HashSet<string>(StringComparer.Ordinal));
        lock (values)
        {
            if (values.Contains(value))
            {
                return true;
            }

            if (values.Count < _maxValuesPerLabel)
            {
                values.Add(value);
                return true;
            }
        }

        Demoted.Add(1, new KeyValuePair<string, object?>("tenant", tenant.Value), new KeyValuePair<string, object?>("label", label));
        return false;
    }
}
