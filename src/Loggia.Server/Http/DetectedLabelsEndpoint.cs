using System.Text.Json;
using Loggia.Query.Execution;
using Loggia.Query.LogQL.Syntax;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// <c>/loki/api/v1/detected_labels</c> (Logs Drilldown): stream labels worth grouping by, with their cardinality,
/// <c>{"detectedLabels":[{"label":"app","cardinality":2}]}</c>. As Loki does, a label whose values are all IDs
/// (numbers or UUIDs, except a 0/1 flag) is left out, unless it is one of <c>cluster</c>, <c>namespace</c>,
/// <c>instance</c>, <c>pod</c>. The optional <c>query</c> narrows the streams.
/// </summary>
public sealed class DetectedLabelsEndpoint(TenantResolver tenants, QuerySources sources, TimeProvider time)
{
    private static readonly HashSet<string> StaticLabels = new(["cluster", "namespace", "instance", "pod"], StringComparer.Ordinal);

    private long NowNanos => time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>Handles the request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await ReadRequest.BeginAsync(context, tenants) is not var (tenant, form))
        {
            return;
        }

        if (!ReadRequest.TryParseBounds(form, NowNanos, LokiQueryParameters.DefaultSince, out var start, out var end, out var error))
        {
            await ReadRequest.BadRequestAsync(context, error);
            return;
        }

        var matcher = StreamMatcher.All;
        var query = form["query"].ToString();
        if (query.Length > 0)
        {
            if (!VolumeEndpoint.TryParseSelector(query, out var matchers, out error))
            {
                await ReadRequest.BadRequestAsync(context, error);
                return;
            }

            matcher = StreamMatcher.Compile(matchers);
        }

        var values = new SortedDictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var labels in await sources.SeriesAsync(tenant, matcher, start, end, context.RequestAborted))
        {
            foreach (var pair in labels.Pairs)
            {
                if (!values.TryGetValue(pair.Name, out var set))
                {
                    values[pair.Name] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(pair.Value);
            }
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteStartArray("detectedLabels");
        foreach (var (name, set) in values)
        {
            if (StaticLabels.Contains(name) || !AreAllIds(set))
            {
                writer.WriteStartObject();
                writer.WriteString("label", name);
                writer.WriteNumber("cardinality", set.Count);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>Loki's rule: every value is a number or a UUID, and the values are not just a 0/1 flag.</summary>
    private static bool AreAllIds(HashSet<string> values)
    {
        if (values.Count <= 2 && values.All(v => v is "0" or "1"))
        {
            return false;
        }

        return values.All(v => double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) || Guid.TryParse(v, out _));
    }
}
