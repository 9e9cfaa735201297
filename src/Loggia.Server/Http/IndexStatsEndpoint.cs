using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.LogQL.Syntax;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// <c>/loki/api/v1/index/stats</c>: <c>{"streams":…,"chunks":…,"bytes":…,"entries":…}</c> for a selector over a
/// range, as Grafana shows before running a query. Loggia counts exactly rather than estimating from an index:
/// streams with at least one entry in the range; entries and line bytes in the range; and as "chunks" the pieces
/// of data a query would open — one per stream held in the head plus one per stream per published block (a
/// stream's row range in a block plays the part of a Loki chunk).
/// </summary>
public sealed class IndexStatsEndpoint(TenantResolver tenants, QuerySources sources, TimeProvider time)
{
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

        if (!VolumeEndpoint.TryParseSelector(form["query"].ToString(), out var matchers, out error))
        {
            await ReadRequest.BadRequestAsync(context, error);
            return;
        }

        var streams = new HashSet<Labels>();
        long chunks = 0, entries = 0, bytes = 0;
        await sources.ScanAsync(tenant, StreamMatcher.Compile(matchers), LinePipeline.Compile(new MatchersExpr(matchers)), start, end + 1, QueryDirection.Forward, cursor =>
        {
            var before = entries;
            while (cursor.TryReadBatch(out var batch))
            {
                foreach (var entry in batch.Span)
                {
                    entries++;
                    bytes += entry.Line.Length;
                }
            }

            if (entries > before)
            {
                chunks++;
                streams.Add(cursor.Labels);
            }

            return true;
        }, context.RequestAborted);

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteNumber("streams", streams.Count);
        writer.WriteNumber("chunks", chunks);
        writer.WriteNumber("bytes", bytes);
        writer.WriteNumber("entries", entries);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
