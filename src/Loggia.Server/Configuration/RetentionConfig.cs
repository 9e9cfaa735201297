using System.Globalization;
using Loggia.Core.Units;
using Loggia.Query.LogQL.Syntax;
using YamlDotNet.RepresentationModel;

namespace Loggia.Server.Configuration;

/// <summary>
/// The structured retention settings of the YAML file, which are lists and maps rather than single values:
/// <c>limits_config.retention_stream</c> and the per-tenant <c>overrides</c> section.
/// </summary>
internal static class RetentionConfig
{
    /// <summary>Name of the top-level section of per-tenant overrides.</summary>
    public const string OverridesSection = "overrides";

    /// <summary>
    /// Parses a <c>retention_stream</c> list: items with <c>selector</c>, <c>priority</c> (default 0) and
    /// <c>period</c>. Errors are added to <paramref name="errors"/>.
    /// </summary>
    public static IReadOnlyList<RetentionStreamOption> ParseStreams(YamlSequenceNode list, string path, string file, List<string> errors)
    {
        var rules = new List<RetentionStreamOption>();
        foreach (var item in list.Children)
        {
            var where = $"{path} (from {file} line {item.Start.Line})";
            if (item is not YamlMappingNode map)
            {
                errors.Add($"{where}: each rule must be a mapping with selector, priority and period");
                continue;
            }
            string? selector = null, period = null, priority = null;
            foreach (var (k, v) in map.Children)
            {
                var key = (k as YamlScalarNode)?.Value;
                var value = (v as YamlScalarNode)?.Value;
                switch (key)
                {
                    case "selector":
                        selector = value;
                        break;
                    case "period":
                        period = value;
                        break;
                    case "priority":
                        priority = value;
                        break;
                    default:
                        errors.Add($"{where}: unknown field '{key}'");
                        break;
                }
            }
            if (string.IsNullOrWhiteSpace(selector))
            {
                errors.Add($"{where}: a rule needs a selector");
                continue;
            }
            try
            {
                _ = LogQLParser.ParseMatchers(selector);
            }
            catch (LogQLParseException e)
            {
                errors.Add($"{where}: invalid selector {selector}: {e.Message}");
                continue;
            }
            if (period is null || !DurationParser.TryParse(period, out var span) || span <= TimeSpan.Zero)
            {
                errors.Add($"{where}: period '{period}' is not a positive duration (e.g. 24h, 7d)");
                continue;
            }
            var rank = 0;
            if (priority is not null && !int.TryParse(priority, NumberStyles.Integer, CultureInfo.InvariantCulture, out rank))
            {
                errors.Add($"{where}: priority '{priority}' is not an integer");
                continue;
            }
            rules.Add(new RetentionStreamOption(selector, rank, span));
        }
        return rules;
    }

    /// <summary>Parses <c>overrides: { &lt;tenant&gt;: { retention_period, retention_stream } }</c>.</summary>
    public static void ParseOverrides(YamlNode node, LoggiaOptions options, string file, List<string> errors, List<string> warnings)
    {
        if (node is not YamlMappingNode tenants)
        {
            errors.Add($"{OverridesSection} (from {file} line {node.Start.Line}): must map tenant ids to their limits");
            return;
        }
        foreach (var (tenantNode, limitsNode) in tenants.Children)
        {
            var tenant = (tenantNode as YamlScalarNode)?.Value ?? "";
            var path = $"{OverridesSection}.{tenant}";
            if (tenant.Length == 0 || limitsNode is not YamlMappingNode limits)
            {
                errors.Add($"{path} (from {file} line {tenantNode.Start.Line}): must be a tenant id mapping to its limits");
                continue;
            }
            var result = new RetentionOverride();
            foreach (var (k, v) in limits.Children)
            {
                var key = (k as YamlScalarNode)?.Value;
                switch (key, v)
                {
                    case ("retention_period", YamlScalarNode { Value: { } text }):
                        if (DurationParser.TryParse(text, out var period) && period >= TimeSpan.Zero)
                        {
                            result.RetentionPeriod = period;
                        }
                        else
                        {
                            errors.Add($"{path}.retention_period (from {file} line {v.Start.Line}): '{text}' is not a duration (e.g. 168h, 30d)");
                        }
                        break;
                    case ("retention_stream", YamlSequenceNode list):
                        result.RetentionStream = ParseStreams(list, path + ".retention_stream", file, errors);
                        break;
                    default:
                        warnings.Add($"config: override '{path}.{key}' is not supported by Loggia and is ignored");
                        break;
                }
            }
            options.TenantOverrides[tenant] = result;
        }
    }
}
