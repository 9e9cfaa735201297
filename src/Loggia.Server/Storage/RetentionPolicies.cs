using Loggia.Query.Execution;
using Loggia.Query.LogQL.Syntax;
using Loggia.Server.Configuration;
using Loggia.Storage.Retention;

namespace Loggia.Server.Storage;

/// <summary>
/// Every tenant's <see cref="TenantRetention"/>, compiled once from the configuration: <c>limits_config</c> for
/// every tenant, with a tenant's <c>overrides</c> replacing what they set. Stream selectors are compiled here, so
/// storage applies them without knowing LogQL.
/// </summary>
public sealed class RetentionPolicies
{
    private readonly TenantRetention _default;
    private readonly Dictionary<string, TenantRetention> _tenants = new(StringComparer.Ordinal);

    public RetentionPolicies(LoggiaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _default = new TenantRetention(options.Limits.RetentionPeriod, Compile(options.Limits.RetentionStream));
        foreach (var (tenant, o) in options.TenantOverrides)
        {
            _tenants[tenant] = new TenantRetention(
                o.RetentionPeriod ?? options.Limits.RetentionPeriod,
                o.RetentionStream is null ? _default.Streams : Compile(o.RetentionStream));
        }
    }

    /// <summary>The retention of <paramref name="tenant"/>.</summary>
    public TenantRetention For(string tenant) => _tenants.TryGetValue(tenant, out var retention) ? retention : _default;

    private static List<StreamRetentionRule> Compile(IReadOnlyList<RetentionStreamOption> rules)
    {
        var compiled = new List<StreamRetentionRule>(rules.Count);
        foreach (var rule in rules)
        {
            var matcher = StreamMatcher.Compile(LogQLParser.ParseMatchers(rule.Selector));
            compiled.Add(new StreamRetentionRule(rule.Selector, matcher.Matches, rule.Priority, rule.Period));
        }
        return compiled;
    }
}
