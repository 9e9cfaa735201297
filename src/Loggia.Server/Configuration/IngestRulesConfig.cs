using System.Text.Json.Nodes;
using Loggia.Server.Ingest.Rules;
using YamlDotNet.RepresentationModel;

namespace Loggia.Server.Configuration;

/// <summary>
/// The <c>ingest_rules</c> section: a list of rules with the fields of <see cref="IngestRuleJson"/>. The YAML is
/// turned into JSON and read by the same code as <c>/api/v1/patterns</c>, so both forms accept exactly the same rules.
/// </summary>
internal static class IngestRulesConfig
{
    /// <summary>Name of the top-level section.</summary>
    public const string Section = "ingest_rules";

    /// <summary>Parses and compiles the rules; every problem is added to <paramref name="errors"/> with its line.</summary>
    public static IReadOnlyList<IngestRuleDefinition> Parse(YamlNode node, string file, List<string> errors)
    {
        if (node is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return [];
        }

        if (node is not YamlSequenceNode list)
        {
            errors.Add($"{Section} (from {file} line {node.Start.Line}): must be a list of rules");
            return [];
        }

        var rules = new List<IngestRuleDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Children)
        {
            var where = $"{Section} (from {file} line {item.Start.Line})";
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(ToJson(item)?.ToJsonString() ?? "null");
                var definition = IngestRuleJson.Read(document.RootElement);
                _ = IngestRule.Compile(definition);
                if (!names.Add(definition.Name))
                {
                    errors.Add($"{where}: rule name '{definition.Name}' is used twice");
                    continue;
                }

                rules.Add(definition);
            }
            catch (IngestRuleException e)
            {
                errors.Add($"{where}: {e.Message}");
            }
        }

        return rules;
    }

    /// <summary>YAML to JSON: mappings to objects, sequences to arrays, plain <c>true</c>/<c>false</c> to booleans, other scalars to strings.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => ToObject(map),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" } => JsonValue.Create(true),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "false" } => JsonValue.Create(false),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => null,
    };

    private static JsonObject ToObject(YamlMappingNode map)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            result[(key as YamlScalarNode)?.Value ?? ""] = ToJson(value);
        }

        return result;
    }
}
