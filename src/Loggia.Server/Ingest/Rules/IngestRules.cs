using System.Runtime.CompilerServices;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;

namespace Loggia.Server.Ingest.Rules;

/// <summary>
/// Every ingest rule in force: those of the config file (<c>ingest_rules</c>, for every tenant, tried first) and each
/// tenant's runtime patterns, with the cardinality guard they share.
/// </summary>
public sealed class IngestRules
{
    private readonly IReadOnlyList<IngestRule> _configured;
    private readonly Dictionary<string, IngestRule> _configuredByName;

    // The store publishes each tenant's patterns as an immutable list and replaces it on change, so a merged list
    // built once per published list serves every push until the next change (no array per push).
    private readonly ConditionalWeakTable<IReadOnlyList<IngestRule>, IReadOnlyList<IngestRule>> _merged = new();

    /// <summary>Creates the set.</summary>
    public IngestRules(IReadOnlyList<IngestRule> configured, IngestPatternStore? patterns, LabelCardinalityGuard guard)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(guard);
        _configured = configured;
        _configuredByName = new Dictionary<string, IngestRule>(StringComparer.Ordinal);
        foreach (IngestRule rule in configured)
        {
            _configuredByName.TryAdd(rule.Name, rule);
        }

        Patterns = patterns;
        Guard = guard;
    }

    /// <summary>No rules: pushes pass unchanged.</summary>
    public static IngestRules None { get; } = new([], null, new LabelCardinalityGuard(0));

    /// <summary>The rules of the config file.</summary>
    public IReadOnlyList<IngestRule> Configured => _configured;

    /// <summary>The runtime patterns, or null when they are not enabled.</summary>
    public IngestPatternStore? Patterns { get; }

    /// <summary>The distinct-value limit for labels that rules create.</summary>
    public LabelCardinalityGuard Guard { get; }

    /// <summary>The rules for <paramref name="tenant"/>, configured ones first.</summary>
    public IReadOnlyList<IngestRule> For(TenantId tenant)
    {
        var runtime = Patterns?.For(tenant) ?? [];
        if (runtime.Count == 0)
        {
            return _configured;
        }

        if (_configured.Count == 0)
        {
            return runtime;
        }

        return _merged.GetValue(runtime, Merge);
    }

    /// <summary>The configured rule named <paramref name="name"/>, or null.</summary>
    public IngestRule? FindConfigured(string name) => _configuredByName.GetValueOrDefault(name);

    private IReadOnlyList<IngestRule> Merge(IReadOnlyList<IngestRule> runtime) => [.. _configured, .. runtime];

    /// <summary>Applies the tenant's rules to <paramref name="push"/> (see <see cref="IngestRuleApplier"/>).</summary>
    public PushRequest Apply(TenantId tenant, IngestSource source, PushRequest push) =>
        IngestRuleApplier.Apply(tenant, source, push, For(tenant), Guard);
}
