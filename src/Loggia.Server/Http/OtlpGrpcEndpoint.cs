using System.Buffers.Binary;
using System.Globalization;
using Loggia.Ingest.Loki;
using Loggia.Ingest.Otlp;
using Loggia.Server.Ingest;
using Microsoft.AspNetCore.Http;
using Loggia.Server.Ingest.Rules;

namespace Loggia.Server.Http;

/// <summary>
/// OTLP/gRPC logs served by hand on Kestrel's HTTP/2 (no gRPC runtime): the unary call
/// <c>opentelemetry.proto.collector.logs.v1.LogsService/Export</c> with gRPC's 5-byte message framing,
/// <c>grpc-encoding: gzip</c>, and the status in <c>grpc-status</c>/<c>grpc-message</c> trailers:
/// INVALID_ARGUMENT for a bad message, RESOURCE_EXHAUSTED over the size limit, UNAVAILABLE (with a
/// <c>RetryInfo</c> in <c>grpc-status-details-bin</c>) when the ingester is saturated, UNAUTHENTICATED without a
/// tenant when auth is on, UNIMPLEMENTED for any other method or an unknown compression.
/// </summary>
public sealed class OtlpGrpcEndpoint
{
    /// <summary>The one method served.</summary>
    public const string ExportPath = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

    private readonly TenantResolver _tenants;
    private readonly PushPipeline _pipeline;
    private readonly int _maxMessageBytes;
    private readonly TimeProvider _time;

    /// <summary>Creates the endpoint.</summary>
    public OtlpGrpcEndpoint(TenantResolver tenants, PushPipeline pipeline, long maxMessageBytes, TimeProvider time)
    {
        _tenants = tenants;
        _pipeline = pipeline;
        _maxMessageBytes = (int)Math.Min(maxMessageBytes, Array.MaxLength - GrpcFraming.PrefixLength - 1);
        _time = time;
    }

    /// <summary>Handles every request on the gRPC port.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var contentType = request.ContentType ?? "";
        if (!contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            // gRPC over HTTP/2: a request that is not gRPC gets 415.
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        if (!HttpMethods.IsPost(request.Method) || !string.Equals(request.Path.Value, ExportPath, StringComparison.Ordinal))
        {
            await WriteStatusAsync(context, GrpcStatusCode.Unimplemented, $"unknown method {request.Path.Value}");
            return;
        }

        var encoding = request.Headers["grpc-encoding"].ToString();
        var gzip = encoding == "gzip";
        if (!gzip && encoding.Length > 0 && encoding != "identity")
        {
            context.Response.Headers["grpc-accept-encoding"] = "gzip,identity";
            await WriteStatusAsync(context, GrpcStatusCode.Unimplemented, $"compression \"{encoding}\" is not supported");
            return;
        }

        if (!_tenants.TryResolve(request, out var tenant, out _, out var error))
        {
            await WriteStatusAsync(context, GrpcStatusCode.Unauthenticated, error!);
            return;
        }

        using var body = await RequestBody.ReadAsync(request, _maxMessageBytes + GrpcFraming.PrefixLength, context.RequestAborted);
        if (body is null)
        {
            await WriteStatusAsync(context, GrpcStatusCode.ResourceExhausted, $"received message larger than max ({_maxMessageBytes} bytes)");
            return;
        }

        if (body.Length >= GrpcFraming.PrefixLength && BinaryPrimitives.ReadUInt32BigEndian(body.Span[1..GrpcFraming.PrefixLength]) > (uint)_maxMessageBytes)
        {
            // As grpc-go: a declared length over the limit is RESOURCE_EXHAUSTED, whether or not the bytes follow.
            await WriteStatusAsync(context, GrpcStatusCode.ResourceExhausted, $"received message larger than max ({BinaryPrimitives.ReadUInt32BigEndian(body.Span[1..GrpcFraming.PrefixLength])} vs. {_maxMessageBytes})");
            return;
        }

        if (!GrpcFraming.TryReadUnary(body.Span, out var compressed, out var start, out var length, out var framingError))
        {
            await WriteStatusAsync(context, GrpcStatusCode.Internal, framingError!);
            return;
        }

        if (compressed && !gzip)
        {
            await WriteStatusAsync(context, GrpcStatusCode.Internal, "compressed message without grpc-encoding");
            return;
        }

        PushRequest push;
        try
        {
            push = OtlpRequestParser.ParseGrpcMessage(body.Memory.Slice(start, length), compressed, _maxMessageBytes, _time);
        }
        catch (PushRequestException e)
        {
            var code = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? GrpcStatusCode.ResourceExhausted : GrpcStatusCode.InvalidArgument;
            await WriteStatusAsync(context, code, e.Message);
            return;
        }

        // Its lines are slices of the body or of a pooled buffer it owns: returned once ingestion is done with them.
        using var decoded = push;

        var outcome = await _pipeline.IngestAsync(tenant, IngestSource.Otlp, push, context.RequestAborted);
        if (outcome.IsBusy)
        {
            var details = OtlpResponses.Status(OtlpPayloadFormat.Protobuf, GrpcStatusCode.Unavailable, outcome.BusyMessage!, outcome.RetryAfterSeconds);
            await WriteStatusAsync(context, GrpcStatusCode.Unavailable, outcome.BusyMessage!, Convert.ToBase64String(details).TrimEnd('='));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        var response = OtlpResponses.ExportResponse(OtlpPayloadFormat.Protobuf, outcome.RejectedEntries, OtlpHttpEndpoint.ErrorMessage(outcome));
        await context.Response.Body.WriteAsync(GrpcFraming.Frame(response), context.RequestAborted);
        SetStatus(context, GrpcStatusCode.Ok, null, null);
    }

    private static Task WriteStatusAsync(HttpContext context, GrpcStatusCode code, string message, string? detailsBase64 = null)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        SetStatus(context, code, message, detailsBase64);
        return Task.CompletedTask;
    }

    private static void SetStatus(HttpContext context, GrpcStatusCode code, string? message, string? detailsBase64)
    {
        var response = context.Response;
        var status = ((int)code).ToString(CultureInfo.InvariantCulture);
        var encoded = message is null ? null : GrpcFraming.EncodeMessage(message);
        if (response.SupportsTrailers())
        {
            response.AppendTrailer("grpc-status", status);
            if (encoded is not null)
            {
                response.AppendTrailer("grpc-message", encoded);
            }

            if (detailsBase64 is not null)
            {
                response.AppendTrailer("grpc-status-details-bin", detailsBase64);
            }

            return;
        }

        // No trailers (not HTTP/2): a trailers-only answer in the headers.
        response.Headers["grpc-status"] = status;
        if (encoded is not null)
        {
            response.Headers["grpc-message"] = encoded;
        }
    }
}
