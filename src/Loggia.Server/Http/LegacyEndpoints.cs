using System.Text;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Http;
using Loggia.Query.LogQL.Syntax;
using Loggia.Server.Storage;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// Loki's deprecated <c>/api/prom/*</c> read API, still used by old clients: <c>/api/prom/query</c> (log queries
/// only, optional <c>regexp</c>, legacy streams JSON), <c>/api/prom/label</c> and
/// <c>/api/prom/label/{name}/values</c> (<c>{"values":[…]}</c>). <c>/api/prom/series</c> and <c>/api/prom/tail</c>
/// are the v1 handlers on another path.
/// </summary>
public sealed class LegacyEndpoints(StorageEngine storage, TenantResolver tenants, QuerySources sources, TimeProvider time)
{
    private readonly LogQueryEngine _engine = new(time);

    private long NowNanos => time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary><c>/api/prom/query</c>.</summary>
    public async Task QueryAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await ReadRequest.BeginAsync(context, tenants) is not var (tenant, form))
        {
            return;
        }

        if (!LokiQueryParameters.TryParseRange(form, NowNanos, storage.Options.Limits.MaxEntriesLimitPerQuery, out var parameters, out var error))
        {
            await ReadRequest.BadRequestAsync(context, error);
            return;
        }

        LogSelectorExpr selector;
        try
        {
            var expr = LogQLParser.Parse(WithRegexp(parameters.Query, form["regexp"].ToString()));
            if (expr is not LogSelectorExpr logSelector)
            {
                await ReadRequest.BadRequestAsync(context, "legacy endpoints only support streams result type");
                return;
            }

            selector = logSelector;
        }
        catch (LogQLParseException e)
        {
            await ReadRequest.BadRequestAsync(context, e.Message);
            return;
        }

        LogQueryResult result;
        try
        {
            var opened = await sources.OpenAsync(tenant, StreamMatcher.Compile(selector.Matchers), LinePipeline.Compile(selector), parameters.StartNanos, parameters.EndNanos, context.RequestAborted);
            result = _engine.Execute(
                new LogQueryRequest
                {
                    Tenant = tenant,
                    Expression = selector,
                    StartNanos = parameters.StartNanos,
                    EndNanos = parameters.EndNanos,
                    Limit = parameters.Limit,
                    Direction = parameters.Forward ? QueryDirection.Forward : QueryDirection.Backward,
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
        catch (TimeoutException)
        {
            await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status504GatewayTimeout, "context deadline exceeded");
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, LokiResponseWriter.WriterOptions);
        LegacyResponseWriter.WriteStreams(writer, result);
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary><c>/api/prom/label</c>: label names as <c>{"values":[…]}</c>.</summary>
    public Task LabelsAsync(HttpContext context) => WriteLabelsAsync(context, name: null);

    /// <summary><c>/api/prom/label/{name}/values</c>: the label's values as <c>{"values":[…]}</c>.</summary>
    public Task LabelValuesAsync(HttpContext context, string name) => WriteLabelsAsync(context, name);

    private async Task WriteLabelsAsync(HttpContext context, string? name)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await ReadRequest.BeginAsync(context, tenants) is not var (tenant, form))
        {
            return;
        }

        if (!ReadRequest.TryParseBounds(form, NowNanos, TimeSpan.FromHours(6), out var start, out var end, out var error))
        {
            await ReadRequest.BadRequestAsync(context, error);
            return;
        }

        var values = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var labels in await sources.SeriesAsync(tenant, StreamMatcher.All, start, end, context.RequestAborted))
        {
            Collect(values, labels, name);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        LegacyResponseWriter.WriteValues(writer, values);
        await writer.FlushAsync(context.RequestAborted);
    }

    private static void Collect(SortedSet<string> values, Labels labels, string? name)
    {
        if (name is null)
        {
            foreach (var pair in labels.Pairs)
            {
                values.Add(pair.Name);
            }
        }
        else if (labels.Get(name) is { Length: > 0 } value)
        {
            values.Add(value);
        }
    }

    /// <summary>Loki's legacy <c>regexp</c> parameter: appended to the query as a <c>|~</c> line filter.</summary>
    private static string WithRegexp(string query, string regexp)
    {
        if (regexp.Length == 0)
        {
            return query;
        }

        var quoted = new StringBuilder(regexp.Length + 2).Append('"');
        foreach (var c in regexp)
        {
            if (c is '"' or '\\')
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return query + " |~ " + quoted.Append('"');
    }
}
