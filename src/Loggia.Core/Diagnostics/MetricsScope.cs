using System.Diagnostics.Metrics;

namespace Loggia.Core.Diagnostics;

/// <summary>
/// The owner of one server's meters. A server creates every per-instance meter through its scope, and its
/// <c>/metrics</c> exporter reports only the meters of that scope: servers sharing a process (tests, embedded use)
/// neither add up each other's counters nor observe a gauge another server is disposing. A component built without a
/// scope gets a private one, which no exporter reports.
/// </summary>
public sealed class MetricsScope
{
    /// <summary>A new meter named <paramref name="name"/> owned by this scope; its owner disposes it.</summary>
    public Meter CreateMeter(string name) => new(new MeterOptions(name) { Scope = this });

    /// <summary>Whether <paramref name="meter"/> was created by this scope.</summary>
    public bool Owns(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        return ReferenceEquals(meter.Scope, this);
    }
}
