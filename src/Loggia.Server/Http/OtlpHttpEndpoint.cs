using System.Globalization;
using Loggia.Ingest.Loki;
using Loggia.Ingest.Otlp;
using Loggia.Server.Ingest;
using Microsoft.AspNetCore.Http;
using Loggia.Server.Ingest.Rules;

namespace Loggia.Server.Http;

/// <summary>
/// OTLP/HTTP logs: <c>POST /otlp/v1/logs</c> (Loki's path) and <c>POST /v1/logs</c> (OTLP's default), protobuf or
/// JSON, optionally gzip-compressed. Answers as the OTLP specification says: 200 with an
/// <c>ExportLogsServiceResponse</c> (with <c>partial_success</c> when records were rejected), 400 for a bad payload,
/// 401 without a tenant when auth is on, 413 over the size limit, 415 for another media type or content coding,
/// 503 with Retry-After when the ingester is saturated; error bodies are a <c>google.rpc.Status</c> in the
/// request's encoding.
/// </summary>
public sealed class OtlpHttpEndpoint
{
    /// <summary>Longest <c>error_message</c> sent back; the rest is cut (the count of rejected records stays exact).</summary>
    internal const int MaxErrorMessageLength = 4096;

    private readonly TenantResolver _tenants;
    private readonly PushPipeline _pipeline;
    private readonly int _maxMessageBytes;
    private readonly TimeProvider _time;

    /// <summary>Creates the endpoint.</summary>
    public OtlpHttpEndpoint(TenantResolver tenants, PushPipeline pipeline, long maxMessageBytes, TimeProvider time)
    {
        _tenants = tenants;
        _pipeline = pipeline;
        _maxMessageBytes = (int)Math.Min(maxMessageBytes, Array.MaxLength - 1);
        _time = time;
    }

    /// <summary>Handles an export request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!OtlpRequestParser.TryGetFormat(request.ContentType, out var format))
        {
            await WriteStatusAsync(context, OtlpPayloadFormat.Protobuf, StatusCodes.Status415UnsupportedMediaType, GrpcStatusCode.InvalidArgument,
                $"unsupported Content-Type \"{request.ContentType}\": use application/x-protobuf or application/json");
            return;
        }

        if (!_tenants.TryResolve(request, out var tenant, out var status, out var error))
        {
            await WriteStatusAsync(context, format, status, GrpcStatusCode.Unauthenticated, error!);
            return;
        }

        using var body = await RequestBody.ReadAsync(request, _maxMessageBytes, context.RequestAborted);
        if (body is null)
        {
            await WriteStatusAsync(context, format, StatusCodes.Status413PayloadTooLarge, GrpcStatusCode.ResourceExhausted,
                $"received message larger than max ({_maxMessageBytes} bytes)");
            return;
        }

        PushRequest push;
        try
        {
            push = OtlpRequestParser.Parse(body.Memory, format, request.Headers.ContentEncoding.ToString(), _maxMessageBytes, _time);
        }
        catch (PushRequestException e)
        {
            var code = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? GrpcStatusCode.ResourceExhausted : GrpcStatusCode.InvalidArgument;
            await WriteStatusAsync(context, format, e.StatusCode, code, e.Message);
            return;
        }

        // Its lines are slices of the body or of a pooled buffer it owns: returned once ingestion is done with them.
        using var decoded = push;

        var outcome = await _pipeline.IngestAsync(tenant, IngestSource.Otlp, push, context.RequestAborted);
        if (outcome.IsBusy)
        {
            context.Response.Headers.RetryAfter = outcome.RetryAfterSeconds!.Value.ToString(CultureInfo.InvariantCulture);
            await WriteStatusAsync(context, format, StatusCodes.Status503ServiceUnavailable, GrpcStatusCode.Unavailable, outcome.BusyMessage!, outcome.RetryAfterSeconds);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ContentType(format);
        var response = OtlpResponses.ExportResponse(format, outcome.RejectedEntries, ErrorMessage(outcome));
        await context.Response.Body.WriteAsync(response, context.RequestAborted);
    }

    /// <summary>The <c>partial_success.error_message</c>: the refusal messages, cut to a bounded length.</summary>
    internal static string? ErrorMessage(PushOutcome outcome)
    {
        if (outcome.Messages.Count == 0)
        {
            return null;
        }

        var message = string.Join("; ", outcome.Messages);
        return message.Length <= MaxErrorMessageLength ? message : string.Concat(message.AsSpan(0, MaxErrorMessageLength), "…");
    }

    private static string ContentType(OtlpPayloadFormat format) => format == OtlpPayloadFormat.Json ? "application/json" : "application/x-protobuf";

    private static Task WriteStatusAsync(HttpContext context, OtlpPayloadFormat format, int httpStatus, GrpcStatusCode code, string message, int? retryAfterSeconds = null)
    {
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = ContentType(format);
        var body = OtlpResponses.Status(format, code, message, retryAfterSeconds);
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
