using System.Diagnostics;
using System.Diagnostics.Metrics;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Server.Ingest;
using Microsoft.AspNetCore.Http;
using Loggia.Server.Ingest.Rules;

namespace Loggia.Server.Http;

/// <summary>
/// <c>POST /loki/api/v1/push</c> (and the legacy <c>/api/prom/push</c>) and <c>POST /api/v1/logs</c>:
/// reads the body within the size limit, decodes it, validates it with Loki's limits, hands the
/// valid entries to the ingester, and answers as Loki does — 204 when everything was taken, 400
/// with Loki's messages when some entries were refused (the others are kept), 401 without a tenant
/// when auth is on, 413 for bodies over the limit, 429 with Retry-After when the ingester is saturated.
/// </summary>
public sealed class PushEndpoint
{
    private static readonly Meter Meter = new("Loggia.Distributor");
    private static readonly Histogram<double> PushDuration = Meter.CreateHistogram<double>("loggia_push_duration_seconds", description: "Time to answer a push request.");

    private readonly TenantResolver _tenants;
    private readonly PushPipeline _pipeline;
    private readonly int _maxMessageBytes;
    private readonly TimeProvider _time;

    public PushEndpoint(TenantResolver tenants, PushValidator validator, IPushIngester ingester, long maxMessageBytes, TimeProvider time)
        : this(tenants, new PushPipeline(validator, ingester), maxMessageBytes, time)
    {
    }

    /// <summary>Creates the endpoint over a shared <see cref="PushPipeline"/>.</summary>
    public PushEndpoint(TenantResolver tenants, PushPipeline pipeline, long maxMessageBytes, TimeProvider time)
    {
        _tenants = tenants;
        _pipeline = pipeline;
        _maxMessageBytes = (int)Math.Min(maxMessageBytes, Array.MaxLength);
        _time = time;
    }

    /// <summary>Handles a Loki push.</summary>
    public Task HandleLokiPushAsync(HttpContext context) => HandleAsync(context, native: false);

    /// <summary>Handles a native <c>/api/v1/logs</c> push.</summary>
    public Task HandleNativePushAsync(HttpContext context) => HandleAsync(context, native: true);

    private async Task HandleAsync(HttpContext context, bool native)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await HandleCoreAsync(context, native);
        }
        finally
        {
            PushDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task HandleCoreAsync(HttpContext context, bool native)
    {
        var request = context.Request;
        if (!_tenants.TryResolve(request, out var tenant, out var status, out var error))
        {
            await WriteErrorAsync(context, status, error!);
            return;
        }

        using var body = await RequestBody.ReadAsync(request, _maxMessageBytes, context.RequestAborted);
        if (body is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, request.ContentLength > _maxMessageBytes
                ? $"received message larger than max ({request.ContentLength} vs {_maxMessageBytes})"
                : $"received message larger than max (more than {_maxMessageBytes} bytes)");
            return;
        }

        PushRequest push;
        try
        {
            var encoding = request.Headers.ContentEncoding.ToString();
            push = native
                ? LokiPushParser.ParseNative(body.Span, encoding, _time, _maxMessageBytes)
                : LokiPushParser.Parse(body.Span, request.ContentType, encoding, _maxMessageBytes);
        }
        catch (PushRequestException e)
        {
            await WriteErrorAsync(context, e.StatusCode, e.Message);
            return;
        }

        // Its lines are slices of the body or of a pooled buffer it owns: returned once ingestion is done with them.
        using var decoded = push;

        var outcome = await _pipeline.IngestAsync(tenant, IngestSource.Loki, push, context.RequestAborted);
        if (outcome.IsBusy)
        {
            context.Response.Headers.RetryAfter = outcome.RetryAfterSeconds!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, outcome.BusyMessage!);
            return;
        }

        if (outcome.Messages.Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        await WriteErrorAsync(context, StatusCodes.Status400BadRequest, string.Join("; ", outcome.Messages));
    }

    /// <summary>Writes an error as Loki does: the message as plain text with a trailing newline.</summary>
    internal static Task WriteErrorAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
