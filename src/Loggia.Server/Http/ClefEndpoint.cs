using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Loggia.Ingest.Clef;
using Loggia.Ingest.Loki;
using Loggia.Server.Ingest;
using Microsoft.AspNetCore.Http;
using Loggia.Server.Ingest.Rules;

namespace Loggia.Server.Http;

/// <summary>
/// Seq's ingestion API for Serilog and other CLEF senders: <c>POST /ingest/clef</c> and <c>POST /api/events/raw</c>
/// (Serilog.Sinks.Seq's path; with or without <c>?clef</c>). Answers as Seq: 201 <c>{}</c>; errors as
/// <c>{"Error":"…"}</c> — 401 without a valid API key (when <c>clef.api_key</c> is set; header
/// <c>X-Seq-ApiKey</c> or parameter <c>apiKey</c>) or tenant, 413 over the size limit, 400 when events were invalid
/// or refused (the valid ones are kept), 503 with Retry-After under backpressure.
/// </summary>
public sealed class ClefEndpoint(TenantResolver tenants, PushPipeline pipeline, long maxMessageBytes, string apiKey)
{
    /// <summary>Seq's API key header.</summary>
    public const string ApiKeyHeader = "X-Seq-ApiKey";

    private readonly int _maxMessageBytes = (int)Math.Min(maxMessageBytes, Array.MaxLength - 1);
    private readonly byte[] _apiKey = Encoding.UTF8.GetBytes(apiKey ?? "");

    /// <summary>Handles a CLEF payload.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (_apiKey.Length > 0 && !HasApiKey(request))
        {
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "A valid API key is required (X-Seq-ApiKey header or apiKey parameter).");
            return;
        }
        if (!tenants.TryResolve(request, out var tenant, out var status, out var error))
        {
            await ErrorAsync(context, status, error!);
            return;
        }

        using var body = await RequestBody.ReadAsync(request, _maxMessageBytes, context.RequestAborted);
        if (body is null)
        {
            await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"The payload is larger than the limit of {_maxMessageBytes} bytes.");
            return;
        }

        ClefDecodeResult decoded;
        try
        {
            decoded = ClefDecoder.Decode(body.Span, request.Headers.ContentEncoding.ToString(), _maxMessageBytes);
        }
        catch (PushRequestException e)
        {
            await ErrorAsync(context, e.StatusCode, e.Message);
            return;
        }

        var outcome = await pipeline.IngestAsync(tenant, IngestSource.Clef, decoded.Push, context.RequestAborted);
        if (outcome.IsBusy)
        {
            context.Response.Headers.RetryAfter = outcome.RetryAfterSeconds!.Value.ToString(CultureInfo.InvariantCulture);
            await ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, outcome.BusyMessage!);
            return;
        }
        if (decoded.InvalidEvents > 0 || outcome.RejectedEntries > 0)
        {
            var message = new StringBuilder();
            message.Append(CultureInfo.InvariantCulture, $"{outcome.AcceptedEntries} events were ingested; ");
            if (decoded.InvalidEvents > 0)
            {
                message.Append(CultureInfo.InvariantCulture, $"{decoded.InvalidEvents} were invalid (first: {decoded.FirstError})");
            }
            if (outcome.RejectedEntries > 0)
            {
                message.Append(decoded.InvalidEvents > 0 ? "; " : "")
                    .Append(CultureInfo.InvariantCulture, $"{outcome.RejectedEntries} were refused: ").AppendJoin("; ", outcome.Messages);
            }
            await ErrorAsync(context, StatusCodes.Status400BadRequest, message.ToString());
            return;
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync("{}"u8.ToArray(), context.RequestAborted);
    }

    private bool HasApiKey(HttpRequest request)
    {
        var given = request.Headers[ApiKeyHeader].ToString();
        if (given.Length == 0)
        {
            given = request.Query["apiKey"].ToString();
        }
        // Constant-time comparison: the key is a secret.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _apiKey);
    }

    private static async Task ErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("Error", message);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
