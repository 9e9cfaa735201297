using System.Globalization;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Query.Detection;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.LogQL.Syntax;
using Loggia.Server.Storage;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// <c>/loki/api/v1/detected_fields</c> and <c>/loki/api/v1/detected_field/{name}/values</c> (Logs Drilldown): the
/// fields of the newest <c>line_limit</c> (default 1000) lines of a query — structured metadata (no parser) and
/// what <c>| json</c>, failing that <c>| logfmt</c>, extracts from each line (parser named in <c>parsers</c>) — with
/// Loki's type inference and their cardinality, at most <c>field_limit</c> (alias <c>limit</c>, default 1000) fields:
/// <c>{"fields":[{"label":…,"type":…,"cardinality":…,"parsers":[…]|null}],"limit":…}</c>; the values endpoint
/// answers <c>{"values":[…],"limit":…}</c>. Line parsing goes through the log pipeline's json and logfmt stages.
/// </summary>
public sealed class DetectedFieldsEndpoint(StorageEngine storage, TenantResolver tenants, QuerySources sources, TimeProvider time)
{
    /// <summary>Loki's default of <c>line_limit</c> and of <c>field_limit</c>.</summary>
    public const int DefaultLimit = 1000;

    private readonly LogQueryEngine _engine = new(time);

    private long NowNanos => time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary><c>/loki/api/v1/detected_fields</c>.</summary>
    public Task FieldsAsync(HttpContext context) => HandleAsync(context, valuesOf: null);

    /// <summary><c>/loki/api/v1/detected_field/{name}/values</c>.</summary>
    public Task ValuesAsync(HttpContext context, string name) => HandleAsync(context, name);

    private async Task HandleAsync(HttpContext context, string? valuesOf)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await ReadRequest.BeginAsync(context, tenants) is not var (tenant, form))
        {
            return;
        }

        if (!ReadRequest.TryParseBounds(form, NowNanos, LokiQueryParameters.DefaultSince, out var start, out var end, out var error)
            || !TryParseLimit(form, "line_limit", null, out var lineLimit, out error)
            || !TryParseLimit(form, "field_limit", "limit", out var fieldLimit, out error))
        {
            await ReadRequest.BadRequestAsync(context, error);
            return;
        }

        var maxLines = storage.Options.Limits.MaxEntriesLimitPerQuery;
        if (lineLimit > maxLines)
        {
            await ReadRequest.BadRequestAsync(context, $"max entries limit per query exceeded, limit > max_entries_limit_per_query ({lineLimit} > {maxLines})");
            return;
        }

        LogSelectorExpr selector;
        try
        {
            selector = LogQLParser.ParseLogSelector(form["query"].ToString());
        }
        catch (LogQLParseException e)
        {
            await ReadRequest.BadRequestAsync(context, e.Message);
            return;
        }

        LogQueryResult lines;
        try
        {
            var opened = await sources.OpenAsync(tenant, StreamMatcher.Compile(selector.Matchers), LinePipeline.Compile(selector), start, end + 1, context.RequestAborted);
            lines = _engine.Execute(
                new LogQueryRequest
                {
                    Tenant = tenant,
                    Expression = selector,
                    StartNanos = start,
                    EndNanos = end + 1,
                    Limit = lineLimit,
                    Direction = QueryDirection.Backward,
                    CategorizeLabels = true,
                    Timeout = storage.Options.Limits.QueryTimeout,
                },
                opened,
                context.RequestAborted);
        }
        catch (NotSupportedException e)
        {
            await ReadRequest.BadRequestAsync(context, e.Message);
            return;
        }

        var fields = Detect(selector, lines, fieldLimit);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        if (valuesOf is null)
        {
            writer.WriteStartArray("fields");
            foreach (var (name, field) in fields)
            {
                writer.WriteStartObject();
                writer.WriteString("label", name);
                writer.WriteString("type", field.Type);
                writer.WriteNumber("cardinality", field.Values.Count);
                writer.WritePropertyName("parsers");
                if (field.Parsers.Count == 0)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteStartArray();
                    foreach (var parser in field.Parsers)
                    {
                        writer.WriteStringValue(parser);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteStartArray("values");
            if (fields.TryGetValue(valuesOf, out var field))
            {
                foreach (var value in field.Values.Order(StringComparer.Ordinal))
                {
                    writer.WriteStringValue(value);
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber("limit", fieldLimit);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private static SortedDictionary<string, DetectedField> Detect(LogSelectorExpr selector, LogQueryResult lines, int fieldLimit)
    {
        var fields = new SortedDictionary<string, DetectedField>(StringComparer.Ordinal);
        var json = TryProcessor(selector, "json");
        var logfmt = TryProcessor(selector, "logfmt");
        foreach (var stream in lines.Streams)
        {
            foreach (var entry in stream.Entries)
            {
                foreach (var pair in entry.StructuredMetadata.Span)
                {
                    Add(fields, fieldLimit, pair.Name, pair.Value, parser: null);
                }

                if (Parse(json, stream.Labels, entry) is { } fromJson)
                {
                    AddParsed(fields, fieldLimit, fromJson, "json");
                }
                else if (Parse(logfmt, stream.Labels, entry) is { } fromLogfmt)
                {
                    AddParsed(fields, fieldLimit, fromLogfmt, "logfmt");
                }
            }
        }

        return fields;
    }

    /// <summary>A processor for the query's selector followed by <paramref name="parser"/>, or null while the pipeline lacks that stage.</summary>
    private static PipelineProcessor? TryProcessor(LogSelectorExpr selector, string parser)
    {
        try
        {
            return LogPipeline.Compile(LogQLParser.ParseLogSelector(new MatchersExpr(selector.Matchers) + " | " + parser)).CreateProcessor();
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The labels <paramref name="processor"/>'s parser extracted, or null when it failed on the line (<c>__error__</c>).</summary>
    private static Labels? Parse(PipelineProcessor? processor, Labels stream, LogEntry entry)
    {
        if (processor is null || !processor.Process(entry.TimestampNanos, entry.Line.Span, stream, entry.StructuredMetadata.Span))
        {
            return null;
        }

        var parsed = processor.Labels.Parsed;
        return parsed.Has("__error__") || parsed.Count == 0 ? null : parsed;
    }

    private static void AddParsed(SortedDictionary<string, DetectedField> fields, int fieldLimit, Labels parsed, string parser)
    {
        foreach (var pair in parsed.Pairs)
        {
            if (pair.Name is not ("__error__" or "__error_details__" or "__preserve_error__"))
            {
                Add(fields, fieldLimit, pair.Name, pair.Value, parser);
            }
        }
    }

    private static void Add(SortedDictionary<string, DetectedField> fields, int fieldLimit, string name, string value, string? parser)
    {
        if (!fields.TryGetValue(name, out var field))
        {
            if (fields.Count >= fieldLimit)
            {
                return;
            }

            fields[name] = field = new DetectedField();
        }

        if (field.Values.Add(value) && field.Values.Count == 1)
        {
            field.Type = DetectedFieldType.Of(value);
        }

        if (parser is not null && !field.Parsers.Contains(parser))
        {
            field.Parsers.Add(parser);
        }
    }

    private static bool TryParseLimit(IQueryCollection form, string name, string? alias, out int limit, out string error)
    {
        error = "";
        limit = DefaultLimit;
        var text = form[name].ToString();
        if (text.Length == 0 && alias is not null)
        {
            text = form[alias].ToString();
        }

        if (text.Length == 0)
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
        {
            error = $"strconv.Atoi: parsing \"{text}\": invalid syntax";
            return false;
        }

        if (limit <= 0)
        {
            error = "limit must be a positive value";
            return false;
        }

        return true;
    }

    private sealed class DetectedField
    {
        public string Type { get; set; } = "string";

        public HashSet<string> Values { get; } = new(StringComparer.Ordinal);

        public List<string> Parsers { get; } = [];
    }
}
