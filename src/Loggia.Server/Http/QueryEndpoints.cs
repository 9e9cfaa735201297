using System.Diagnostics.Metrics;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.Execution.Metrics;
using Loggia.Query.Http;
using Loggia.Query.LogQL.Syntax;
using Loggia.Query.Sources;
using Loggia.Server.Storage;
using Loggia.Storage.Blocks;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// Loki's read API over the head and the published blocks: <c>query_range</c> and <c>query</c>
/// for log and metric queries, <c>labels</c>,
/// <c>label/{name}/values</c> and <c>series</c>, with Loki's parameters, JSON and status codes.
/// </summary>
public sealed class QueryEndpoints(StorageEngine storage, TenantResolver tenants, QuerySources querySources, TimeProvider time)
{
    private static readonly Meter Meter = new("Loggia.Query");
    private static readonly Histogram<double> QueryDuration = Meter.CreateHistogram<double>("loggia_query_duration_seconds", description: "Time to answer a query request.");

    private readonly LogQueryEngine _engine = new(time);
    private readonly MetricQueryEngine _metrics = new(time);

    private long NowNanos => time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary><c>/loki/api/v1/query_range</c>.</summary>
    public async Task QueryRangeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            if (await BeginAsync(context) is not var (tenant, form))
            {
                return;
            }

            if (!LokiQueryParameters.TryParseRange(form, NowNanos, storage.Options.Limits.MaxEntriesLimitPerQuery, out var parameters, out var error))
            {
                await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
                return;
            }

            if (TryParseQuery(parameters.Query, out var expr, out _) && expr is SampleExpr metric)
            {
                await RunMetricQueryAsync(context, tenant, metric, parameters);
                return;
            }

            await RunLogQueryAsync(context, tenant, parameters);
        }
        finally
        {
            QueryDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("endpoint", "query_range"));
        }
    }

    /// <summary><c>/loki/api/v1/query</c>: instant queries; a log query is a 400, as in Loki.</summary>
    public async Task QueryAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await BeginAsync(context) is not var (tenant, form))
        {
            return;
        }

        if (!LokiQueryParameters.TryParseInstant(form, NowNanos, storage.Options.Limits.MaxEntriesLimitPerQuery, out var parameters, out var error))
        {
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        if (!TryParseQuery(parameters.Query, out var expr, out error))
        {
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        if (expr is not SampleExpr metric)
        {
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "log queries are not supported as an instant query type, please change your query to a range query type");
            return;
        }

        await RunMetricQueryAsync(context, tenant, metric, parameters);
    }

    /// <summary>
    /// Runs a metric query. A range query is step-aligned first as Loki's query frontend does (start rounded down
    /// and end rounded up to a multiple of the step, which Loki carries in milliseconds).
    /// </summary>
    private async Task RunMetricQueryAsync(HttpContext context, TenantId tenant, SampleExpr expr, LokiQueryParameters parameters)
    {
        var start = parameters.StartNanos;
        var end = parameters.EndNanos;
        var step = 0L;
        if (!parameters.IsInstant)
        {
            step = Math.Max(parameters.Step.Ticks * 100 / 1_000_000, 1) * 1_000_000;
            start -= start % step;
            if (end % step != 0)
            {
                end += step - (end % step);
            }
        }

        MetricQueryResult result;
        var scans = new BlockScanStatistics();
        var unreadable = querySources.NewUnreadableBlocks();
        try
        {
            result = await _metrics.ExecuteAsync(
                new MetricQueryRequest
                {
                    Tenant = tenant,
                    Expression = expr,
                    StartNanos = start,
                    EndNanos = end,
                    StepNanos = step,
                    IsInstant = parameters.IsInstant,
                    MaxSeries = storage.Options.Limits.MaxQuerySeries,
                    Timeout = storage.Options.Limits.QueryTimeout,
                },
                async (request, cancellationToken) => InParallelBatches(await OpenSourcesAsync(
                    tenant, request.Scan.StreamMatcher, request.LineFilters, request.Scan.StartNanos, request.Scan.EndNanos, scans, unreadable, cancellationToken)),
                context.RequestAborted);
            result = result with { Statistics = result.Statistics.WithBlockScans(scans) };
        }
        catch (MetricQueryException e)
        {
            await PushEndpoint.WriteErrorAsync(context, e.StatusCode, e.Message);
            return;
        }
        catch (Exception e) when (e is LogQLParseException or NotSupportedException)
        {
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, e.Message);
            return;
        }
        catch (TimeoutException)
        {
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status504GatewayTimeout, QueryTimedOutMessage);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = 499; // Loki's status for a request the client cancelled
            return;
        }
        catch (BlockCorruptException e)
        {
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "unreadable block: " + e.Message);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, LokiResponseWriter.WriterOptions);
        LokiMetricResponseWriter.Write(writer, result, unreadable.Warnings);
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>Loki's message for a query that ran past <c>query_timeout</c> (HTTP 504).</summary>
    private const string QueryTimedOutMessage =
        "request timed out, decrease the duration of the request or add more label matchers (prefer exact match over regex match) to reduce the amount of data processed";

    private async Task RunLogQueryAsync(HttpContext context, TenantId tenant, LokiQueryParameters parameters)
    {
        if (!TryParseQuery(parameters.Query, out var expr, out var error))
        {
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        if (expr is not LogSelectorExpr selector)
        {
            // Metric queries are routed to RunMetricQueryAsync before this point.
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "expected a log query");
            return;
        }

        var flags = LokiResponseEncodingHeader.Parse(context.Request.Headers["X-Loki-Response-Encoding-Flags"].ToString());
        LogQueryResult result;
        var scans = new BlockScanStatistics();
        var unreadable = querySources.NewUnreadableBlocks();
        try
        {
            var sources = await OpenSourcesAsync(tenant, StreamMatcher.Compile(selector.Matchers), LogPipeline.Compile(selector).LineFilters, parameters.StartNanos, parameters.EndNanos, scans, unreadable, context.RequestAborted);
            result = _engine.Execute(
                new LogQueryRequest
                {
                    Tenant = tenant,
                    Expression = selector,
                    StartNanos = parameters.StartNanos,
                    EndNanos = parameters.EndNanos,
                    Limit = parameters.Limit,
                    IntervalNanos = parameters.Interval.Ticks * 100,
                    Direction = parameters.Forward ? QueryDirection.Forward : QueryDirection.Backward,
                    CategorizeLabels = flags != LokiResponseEncoding.None,
                    Timeout = storage.Options.Limits.QueryTimeout,
                },
                sources,
                context.RequestAborted);
            result = result with { Statistics = result.Statistics.WithBlockScans(scans) };
        }
        catch (NotSupportedException e)
        {
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, e.Message);
            return;
        }
        catch (LogQLParseException e)
        {
            // Stages validated when the pipeline is built (e.g. a json path) fail like parse errors.
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, e.Message);
            return;
        }
        catch (TimeoutException)
        {
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status504GatewayTimeout, QueryTimedOutMessage);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = 499; // Loki's status for a request the client cancelled
            return;
        }
        catch (BlockCorruptException e)
        {
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "unreadable block: " + e.Message);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, LokiResponseWriter.WriterOptions);
        LokiResponseWriter.WriteStreams(writer, result, flags, unreadable.Warnings);
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>
    /// The head (first) and the published blocks overlapping the range, minus blocks the head still serves. Each block
    /// carries its time bounds, so the engine opens them in time order, in parallel batches, and only as far as the
    /// limit needs.
    /// </summary>
    /// <summary>
    /// A metric query reads every source once, one after another: blocks are grouped by the processor count so each
    /// group is decoded and filtered on all cores while at most one group's entries are held in memory.
    /// </summary>
    private static List<ILogSource> InParallelBatches(List<ILogSource> sources)
    {
        var batch = Math.Max(1, Environment.ProcessorCount);
        var result = new List<ILogSource>();
        for (var i = 0; i < sources.Count; i += batch)
        {
            var group = sources.GetRange(i, Math.Min(batch, sources.Count - i));
            result.Add(group.Count == 1 ? group[0] : new ParallelBlockSources(group));
        }
        return result;
    }

    private Task<List<ILogSource>> OpenSourcesAsync(TenantId tenant, StreamMatcher matcher, LinePipeline lineFilter, long start, long end, BlockScanStatistics statistics,
        UnreadableBlocks unreadable, CancellationToken cancellationToken) =>
        querySources.OpenAsync(tenant, matcher, lineFilter, start, end, cancellationToken, statistics, unreadable);

    /// <summary><c>/loki/api/v1/labels</c>.</summary>
    public async Task LabelsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await BeginAsync(context) is not var (tenant, form) || !await TryRangeAsync(context, form, out var start, out var end))
        {
            return;
        }

        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var labels in await SeriesAsync(tenant, StreamMatcher.All, start, end, context.RequestAborted))
        {
            foreach (var pair in labels.Pairs)
            {
                names.Add(pair.Name);
            }
        }

        await WriteDataAsync(context, names);
    }

    /// <summary><c>/loki/api/v1/label/{name}/values</c>.</summary>
    public async Task LabelValuesAsync(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await BeginAsync(context) is not var (tenant, form) || !await TryRangeAsync(context, form, out var start, out var end))
        {
            return;
        }

        var matcher = StreamMatcher.All;
        var query = form["query"].ToString();
        if (query.Length > 0)
        {
            try
            {
                matcher = StreamMatcher.Compile(LogQLParser.ParseMatchers(query));
            }
            catch (LogQLParseException e)
            {
                await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, e.Message);
                return;
            }
        }

        var values = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var labels in await SeriesAsync(tenant, matcher, start, end, context.RequestAborted))
        {
            if (labels.Get(name) is { Length: > 0 } value)
            {
                values.Add(value);
            }
        }

        await WriteDataAsync(context, values);
    }

    /// <summary><c>/loki/api/v1/series</c> with one or more <c>match[]</c> selectors.</summary>
    public async Task SeriesAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await BeginAsync(context) is not var (tenant, form) || !await TryRangeAsync(context, form, out var start, out var end))
        {
            return;
        }

        var selectors = form["match[]"].Count > 0 ? form["match[]"] : form["match"];
        if (selectors.Count == 0)
        {
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "0 matcher groups supplied");
            return;
        }

        var found = new SortedDictionary<string, Labels>(StringComparer.Ordinal);
        foreach (var selector in selectors)
        {
            StreamMatcher matcher;
            try
            {
                matcher = StreamMatcher.Compile(LogQLParser.ParseMatchers(selector ?? ""));
            }
            catch (LogQLParseException e)
            {
                await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, e.Message);
                return;
            }

            foreach (var labels in await SeriesAsync(tenant, matcher, start, end, context.RequestAborted))
            {
                found[labels.ToString()] = labels;
            }
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("status", "success");
        writer.WriteStartArray("data");
        foreach (var labels in found.Values)
        {
            writer.WriteStartObject();
            foreach (var pair in labels.Pairs)
            {
                writer.WriteString(pair.Name, pair.Value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>Streams (label sets) of a tenant in [start, end] from the head and the blocks' index sidecars.</summary>
    private Task<List<Labels>> SeriesAsync(TenantId tenant, StreamMatcher matcher, long start, long end, CancellationToken cancellationToken) =>
        querySources.SeriesAsync(tenant, matcher, start, end, cancellationToken);

    /// <summary>The request's parameters (query string and form body) and tenant; null after answering 401/400.</summary>
    private Task<(TenantId Tenant, IQueryCollection Form)?> BeginAsync(HttpContext context) => ReadRequest.BeginAsync(context, tenants);

    private Task<bool> TryRangeAsync(HttpContext context, IQueryCollection form, out long start, out long end)
    {
        start = end = 0;
        if (!LokiQueryParameters.TryParseTimestamp(form["end"].ToString(), NowNanos, out end, out var error)
            || !LokiQueryParameters.TryParseTimestamp(form["start"].ToString(), NowNanos - (6L * 3600 * 1_000_000_000), out start, out error))
        {
            return WriteBadRequestAsync(context, error);
        }

        return Task.FromResult(true);
    }

    private static async Task<bool> WriteBadRequestAsync(HttpContext context, string error)
    {
        await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
        return false;
    }

    private static bool TryParseQuery(string query, out Expr expr, out string error)
    {
        error = "";
        try
        {
            expr = LogQLParser.Parse(query);
            return true;
        }
        catch (LogQLParseException e)
        {
            expr = null!;
            error = e.Message;
            return false;
        }
    }

    private static async Task WriteDataAsync(HttpContext context, IEnumerable<string> values)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("status", "success");
        writer.WriteStartArray("data");
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
