using System.Globalization;
using System.Text;
using System.Text.Json;
using Loggia.Query.Execution;
using Loggia.Query.LogQL.Syntax;
using Loggia.Query.Patterns;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// <c>/loki/api/v1/patterns</c> (Logs Drilldown): mines the lines of the range on request with a
/// <see cref="DrainMiner"/> and answers <c>{"status":"success","data":[{"pattern":"…","samples":[[seconds,count],…]}]}</c>,
/// most frequent first; samples are counted per <c>step</c> bucket (default: the range over ~250 points, at least
/// 10 s, Loki's pattern resolution), stamped with the bucket start in seconds. Line filters of the query apply.
/// At most <see cref="MaxLines"/> lines are mined (newest streams' data as it comes) so a request stays bounded.
/// </summary>
public sealed class PatternsEndpoint(TenantResolver tenants, QuerySources sources, TimeProvider time)
{
    /// <summary>Lines mined per request at most.</summary>
    public const int MaxLines = 1_000_000;

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

        LogSelectorExpr selector;
        LinePipeline filters;
        try
        {
            selector = LogQLParser.ParseLogSelector(form["query"].ToString());
            filters = LinePipeline.Compile(selector);
        }
        catch (Exception e) when (e is LogQLParseException or NotSupportedException)
        {
            await ReadRequest.BadRequestAsync(context, e.Message);
            return;
        }

        var step = (long)Math.Max(Math.Floor((end - start) / 1e9 / 250), 10) * 1_000_000_000;
        var stepText = form["step"].ToString();
        if (stepText.Length > 0)
        {
            if (double.TryParse(stepText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            {
                step = (long)(seconds * 1e9);
            }
            else if (Loggia.Core.Units.DurationParser.TryParse(stepText, out var duration) && duration > TimeSpan.Zero)
            {
                step = duration.Ticks * 100;
            }
            else
            {
                await ReadRequest.BadRequestAsync(context, $"cannot parse \"{stepText}\" to a valid duration");
                return;
            }
        }

        var miner = new DrainMiner();
        var mined = 0;
        await sources.ScanAsync(tenant, StreamMatcher.Compile(selector.Matchers), filters, start, end + 1, QueryDirection.Forward, cursor =>
        {
            while (cursor.TryReadBatch(out var batch))
            {
                foreach (var entry in batch.Span)
                {
                    if (!filters.IsNoop && !filters.Matches(entry.Line.Span))
                    {
                        continue;
                    }

                    miner.Train(Encoding.UTF8.GetString(entry.Line.Span), entry.TimestampNanos / step);
                    if (++mined >= MaxLines)
                    {
                        return false;
                    }
                }
            }

            return true;
        }, context.RequestAborted);

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("status", "success");
        writer.WriteStartArray("data");
        foreach (var pattern in miner.Patterns())
        {
            writer.WriteStartObject();
            writer.WriteString("pattern", pattern.Pattern);
            writer.WriteStartArray("samples");
            foreach (var (bucket, count) in pattern.Samples)
            {
                writer.WriteStartArray();
                writer.WriteNumberValue(bucket * step / 1_000_000_000);
                writer.WriteNumberValue(count);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
