using System.Text.Json;

namespace Loggia.Server.Ingest.Rules;

/// <summary>
/// The JSON form of an <see cref="IngestRuleDefinition"/>, shared by <c>/api/v1/patterns</c> and the file the
/// runtime patterns persist in: <c>name</c>, <c>sources</c>, <c>selector</c>, <c>pipeline</c> or <c>regex</c> (a
/// shorthand for <c>| regexp</c>), <c>labels</c>, <c>structured_metadata</c>,
/// <c>timestamp: {source, format}</c>, <c>replace_line</c>.
/// </summary>
public static class IngestRuleJson
{
    /// <summary>Reads a definition from a JSON object.</summary>
    /// <exception cref="IngestRuleException">A field is missing or has the wrong type.</exception>
    public static IngestRuleDefinition Read(JsonElement rule)
    {
        if (rule.ValueKind != JsonValueKind.Object)
        {
            throw new IngestRuleException("a rule must be a JSON object");
        }

        string? name = null, selector = null, pipeline = null, regex = null, timestampSource = null, timestampFormat = null;
        var sources = new List<IngestSource>();
        IReadOnlyList<string> labels = [], metadata = [];
        var replaceLine = false;
        foreach (var property in rule.EnumerateObject())
        {
            switch (property.Name)
            {
                case "name":
                    name = String(property);
                    break;
                case "selector":
                    selector = String(property);
                    break;
                case "pipeline":
                    pipeline = String(property);
                    break;
                case "regex":
                    regex = String(property);
                    break;
                case "labels":
                    labels = Strings(property);
                    break;
                case "structured_metadata":
                    metadata = Strings(property);
                    break;
                case "sources":
                    foreach (var source in Strings(property))
                    {
                        sources.Add(IngestRuleText.ParseSource(source));
                    }

                    break;
                case "timestamp":
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw new IngestRuleException("'timestamp' must be an object with 'source' and 'format'");
                    }

                    foreach (var field in property.Value.EnumerateObject())
                    {
                        switch (field.Name)
                        {
                            case "source":
                                timestampSource = String(field);
                                break;
                            case "format":
                                timestampFormat = String(field);
                                break;
                            default:
                                throw new IngestRuleException($"unknown field 'timestamp.{field.Name}'");
                        }
                    }

                    break;
                case "replace_line":
                    replaceLine = property.Value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw new IngestRuleException("'replace_line' must be true or false"),
                    };
                    break;
                default:
                    throw new IngestRuleException($"unknown field '{property.Name}'");
            }
        }

        return IngestRuleText.Build(name, sources, selector, pipeline, regex, labels, metadata, timestampSource, timestampFormat, replaceLine);
    }

    /// <summary>
    /// Writes <paramref name="definition"/> as a JSON object (with <c>pipeline</c>, never <c>regex</c>), with an
    /// <c>origin</c> field when <paramref name="origin"/> is given (the API says where a rule comes from).
    /// </summary>
    public static void Write(Utf8JsonWriter writer, IngestRuleDefinition definition, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(definition);
        writer.WriteStartObject();
        writer.WriteString("name", definition.Name);
        writer.WriteStartArray("sources");
        foreach (var source in definition.Sources)
        {
            writer.WriteStringValue(IngestSourceNames.Name(source));
        }

        writer.WriteEndArray();
        writer.WriteString("selector", definition.Selector ?? "");
        writer.WriteString("pipeline", definition.Pipeline);
        WriteStrings(writer, "labels", definition.Labels);
        WriteStrings(writer, "structured_metadata", definition.StructuredMetadata);
        if (definition.TimestampSource is { } timeField)
        {
            writer.WriteStartObject("timestamp");
            writer.WriteString("source", timeField);
            writer.WriteString("format", definition.TimestampFormat);
            writer.WriteEndObject();
        }

        writer.WriteBoolean("replace_line", definition.ReplaceLine);
        if (origin is not null)
        {
            writer.WriteString("origin", origin);
        }

        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static string String(JsonProperty property) => property.Value.ValueKind == JsonValueKind.String
        ? property.Value.GetString()!
        : throw new IngestRuleException($"'{property.Name}' must be a string");

    private static List<string> Strings(JsonProperty property)
    {
        if (property.Value.ValueKind != JsonValueKind.Array)
        {
            throw new IngestRuleException($"'{property.Name}' must be an array of strings");
        }

        var values = new List<string>();
        foreach (var item in property.Value.EnumerateArray())
        {
            values.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new IngestRuleException($"'{property.Name}' must be an array of strings"));
        }

        return values;
    }
}
