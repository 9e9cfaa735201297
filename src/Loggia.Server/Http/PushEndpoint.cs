using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Server.Ingest;
using Microsoft.AspNetCore.Http;

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
    private static readonly Counter<long> LinesReceived = Meter.CreateCounter<long>("loggia_distributor_lines_received_total", description: "Log lines accepted by push endpoints, per tenant.");
    private static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>("loggia_distributor_bytes_received_total", description: "Bytes of log lines accepted by push endpoints, per tenant.");
    private static readonly Histogram<double> PushDuration = Meter.CreateHistogram<double>("loggia_push_duration_seconds", description: "Time to answer a push request.");

    private readonly TenantResolver _tenants;
    private readonly PushValidator _validator;
    private readonly IPushIngester _ingester;
    private readonly int _maxMessageBytes;
    private readonly TimeProvider _time;

    public PushEndpoint(TenantResolver tenants, PushValidator validator, IPushIngester ingester, long maxMessageBytes, TimeProvider time)
    {
        _tenants = tenants;
        _validator = validator;
        _ingester = ingester;
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

        if (request.ContentLength > _maxMessageBytes)
        {
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"received message larger than max ({request.ContentLength} vs {_maxMessageBytes})");
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= _maxMessageBytes)
                    {
                        await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"received message larger than max (more than {_maxMessageBytes} bytes)");
                        return;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, _maxMessageBytes + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            PushRequest push;
            try
            {
                var body = buffer.AsSpan(0, length);
                var encoding = request.Headers.ContentEncoding.ToString();
                push = native
                    ? LokiPushParser.ParseNative(body, encoding, _time, _maxMessageBytes)
                    : LokiPushParser.Parse(body, request.ContentType, encoding, _maxMessageBytes);
            }
            catch (PushRequestException e)
            {
                await WriteErrorAsync(context, e.StatusCode, e.Message);
                return;
            }

            await IngestAsync(context, tenant, push);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task IngestAsync(HttpContext context, TenantId tenant, PushRequest push)
    {
        var validation = _validator.Validate(tenant, push);
        var messages = new List<string>();
        if (validation.ErrorMessage is { } validationError)
        {
            messages.Add(validationError);
        }

        if (validation.AcceptedEntries > 0)
        {
            IngestOutcome outcome;
            try
            {
                outcome = await _ingester.IngestAsync(tenant, validation.Accepted, context.RequestAborted);
            }
            catch (IngesterBusyException e)
            {
                context.Response.Headers.RetryAfter = e.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, e.Message);
                return;
            }

            RecordReceived(tenant, validation.Accepted, outcome.RefusedMessages.Count);
            messages.AddRange(outcome.RefusedMessages);
        }

        if (messages.Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        await WriteErrorAsync(context, StatusCodes.Status400BadRequest, string.Join("; ", messages));
    }

    private static void RecordReceived(TenantId tenant, PushRequest accepted, int refused)
    {
        long lines = accepted.EntryCount - refused, bytes = 0;
        foreach (var stream in accepted.Streams)
        {
            foreach (var entry in stream.Entries.Span)
            {
                bytes += entry.Line.Length;
            }
        }

        var tag = new KeyValuePair<string, object?>("tenant", tenant.Value);
        LinesReceived.Add(Math.Max(0, lines), tag);
        BytesReceived.Add(bytes, tag);
    }

    /// <summary>Writes an error as Loki does: the message as plain text with a trailing newline.</summary>
    internal static Task WriteErrorAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
