using System.Text.Json;
using Loggia.Query.TermSearch;
using Loggia.Server.Storage;
using Loggia.Storage.TermIndex;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// <c>GET /loggia/api/v1/terms/histogram?terms=a,b&amp;start=…&amp;end=…&amp;step=1h|1d|1w</c>: which hours, days or
/// weeks of the tenant's published blocks contain the terms, and how often — the histogram a UI draws, answered from
/// the term index without reading any block (docs/terms.md). Whole hours overlapping [start, end) are counted; the
/// head (entries not yet flushed to a block) is not. Default range: the last 7 days.
/// </summary>
public sealed class TermsHistogramEndpoint(TenantResolver tenants, StorageEngine storage, TimeProvider time)
{
    private static readonly TimeSpan DefaultSince = TimeSpan.FromDays(7);

    /// <summary>Handles the request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await ReadRequest.BeginAsync(context, tenants) is not var (tenant, form))
        {
            return;
        }

        if (!storage.Options.TermIndexEnabled)
        {
            await ReadRequest.BadRequestAsync(context, "the term index is disabled (storage.term_index_enabled: false)");
            return;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;
        if (!ReadRequest.TryParseBounds(form, now, DefaultSince, out var start, out var end, out var error)
            || !TermQuery.TryParse(form["terms"].ToString(), out var query, out error)
            || !TermHistogramStep.TryParse(form["step"].ToString(), out var step, out error))
        {
            await ReadRequest.BadRequestAsync(context, error);
            return;
        }

        var firstHour = TermHours.HourOf(start);
        var lastHour = TermHours.HourOf(Math.Max(start, end - 1));
        if (TermHistogram.BucketCount(firstHour, lastHour, step) > TermHistogram.MaxBuckets)
        {
            await ReadRequest.BadRequestAsync(context, $"step: the range would need more than {TermHistogram.MaxBuckets} buckets; use a larger step");
            return;
        }

        // Every block of the days touched: a day's segment is trusted only when it lists exactly these blocks.
        var dayStart = TermHours.FirstHourOf(TermHours.DayOfHour(firstHour)) * TermHours.HourNanos;
        var dayEnd = (TermHours.FirstHourOf(TermHours.DayOfHour(lastHour) + 1) * TermHours.HourNanos) - 1;
        var blocks = await storage.Catalog.FindAsync(tenant.Value, dayStart, dayEnd, context.RequestAborted);
        var hours = await Task.Run(() => storage.TermIndex.Count(tenant.Value, blocks, firstHour, lastHour, query.Hashes), context.RequestAborted);
        var buckets = TermHistogram.Build(query, hours, firstHour, lastHour, step);

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        TermHistogramWriter.Write(writer, query, step, buckets);
        await writer.FlushAsync(context.RequestAborted);
    }
}
