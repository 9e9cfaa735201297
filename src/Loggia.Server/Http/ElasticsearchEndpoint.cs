using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Loggia.Core;
using Loggia.Ingest.Elasticsearch;
using Loggia.Ingest.Loki;
using Loggia.Server.Ingest;
using Microsoft.AspNetCore.Http;
using Loggia.Server.Ingest.Rules;

namespace Loggia.Server.Http;

/// <summary>
/// Enough of Elasticsearch's API for log shippers' Elasticsearch outputs (Filebeat, Fluent Bit, Vector, Logstash):
/// <c>GET /</c> (cluster info, with the <c>X-Elastic-Product</c> header clients check), <c>GET /_license</c>, and
/// <c>POST|PUT /_bulk</c> and <c>/{index}/_bulk</c> answering per item as Elasticsearch does, so shippers retry
/// exactly what failed: 201 <c>created</c>, 400 for a document or action Loggia refuses (malformed, over Loki's
/// limits, <c>delete</c>/<c>update</c>); 429 for the whole request under backpressure; 400 for a malformed body.
/// </summary>
public sealed class ElasticsearchEndpoint(TenantResolver tenants, PushPipeline pipeline, BulkDecoder decoder, long maxMessageBytes, TimeProvider time)
{
    /// <summary>The Elasticsearch version reported: recent enough for every current shipper.</summary>
    public const string ReportedVersion = "8.15.0";

    private readonly int _maxMessageBytes = (int)Math.Min(maxMessageBytes, Array.MaxLength - 1);

    /// <summary><c>GET /</c>: the cluster info shippers probe before sending.</summary>
    public static async Task InfoAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        context.Response.ContentType = "application/json";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("name", "loggia");
        writer.WriteString("cluster_name", "loggia");
        writer.WriteString("cluster_uuid", "loggia");
        writer.WriteStartObject("version");
        writer.WriteString("number", ReportedVersion);
        writer.WriteString("build_flavor", "default");
        writer.WriteString("build_type", "loggia");
        writer.WriteString("build_hash", BuildInfo.Revision);
        writer.WriteString("lucene_version", "9.11.1");
        writer.WriteString("minimum_wire_compatibility_version", "7.17.0");
        writer.WriteString("minimum_index_compatibility_version", "7.0.0");
        writer.WriteEndObject();
        writer.WriteString("tagline", "You Know, for Search");
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary><c>GET /_license</c>: a basic, active license (Filebeat checks it before using ILM features).</summary>
    public static async Task LicenseAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"license":{"status":"active","uid":"loggia","type":"basic","issue_date_in_millis":0,"max_nodes":1000,"issued_to":"loggia","issuer":"loggia","start_date_in_millis":-1}}""", context.RequestAborted);
    }

    /// <summary><c>/_bulk</c> and <c>/{index}/_bulk</c>.</summary>
    public async Task BulkAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        var request = context.Request;
        if (!tenants.TryResolve(request, out var tenant, out var status, out var error))
        {
            await ErrorAsync(context, status, "security_exception", error!);
            return;
        }
        using var body = await RequestBody.ReadAsync(request, _maxMessageBytes, context.RequestAborted);
        if (body is null)
        {
            await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "content_too_long_exception", $"request body is larger than {_maxMessageBytes} bytes");
            return;
        }

        BulkDecodeResult decoded;
        try
        {
            var index = context.Request.RouteValues["index"] as string;
            decoded = decoder.Decode(body.Span, request.Headers.ContentEncoding.ToString(), index, _maxMessageBytes, time);
        }
        catch (BulkRequestException e)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "illegal_argument_exception", e.Message);
            return;
        }
        catch (PushRequestException e)
        {
            await ErrorAsync(context, e.StatusCode, "parse_exception", e.Message);
            return;
        }

        var outcome = await pipeline.IngestAsync(tenant, IngestSource.Elasticsearch, decoded.Push, context.RequestAborted);
        if (outcome.IsBusy)
        {
            context.Response.Headers.RetryAfter = outcome.RetryAfterSeconds!.Value.ToString(CultureInfo.InvariantCulture);
            await ErrorAsync(context, StatusCodes.Status429TooManyRequests, "es_rejected_execution_exception", outcome.BusyMessage!);
            return;
        }

        var rejected = RejectionsByEntry(outcome.ValidationRejections);
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteNumber("took", (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        var anyError = false;
        foreach (var item in decoded.Items)
        {
            anyError |= item.ErrorType is not null || IsRejected(rejected, item, out _);
        }
        writer.WriteBoolean("errors", anyError);
        writer.WriteStartArray("items");
        var seq = 0L;
        foreach (var item in decoded.Items)
        {
            writer.WriteStartObject();
            writer.WriteStartObject(item.Action);
            writer.WriteString("_index", item.Index);
            writer.WriteString("_id", item.Id);
            if (item.ErrorType is not null)
            {
                WriteItemError(writer, item.ErrorType, item.ErrorReason!);
            }
            else if (IsRejected(rejected, item, out var message))
            {
                WriteItemError(writer, "illegal_argument_exception", message);
            }
            else
            {
                writer.WriteNumber("_version", 1);
                writer.WriteString("result", "created");
                writer.WriteStartObject("_shards");
                writer.WriteNumber("total", 1);
                writer.WriteNumber("successful", 1);
                writer.WriteNumber("failed", 0);
                writer.WriteEndObject();
                writer.WriteNumber("_seq_no", seq++);
                writer.WriteNumber("_primary_term", 1);
                writer.WriteNumber("status", 201);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private static Dictionary<(int Stream, int Entry), string> RejectionsByEntry(IReadOnlyList<PushRejection> rejections)
    {
        var result = new Dictionary<(int, int), string>();
        foreach (var r in rejections)
        {
            result[(r.StreamIndex, r.EntryIndex)] = r.Message;
        }
        return result;
    }

    private static bool IsRejected(Dictionary<(int Stream, int Entry), string> rejected, BulkItem item, out string message)
    {
        message = "";
        if (item.StreamIndex < 0 || rejected.Count == 0)
        {
            return false;
        }
        // A rejection of a whole stream (invalid labels) has entry index -1.
        return rejected.TryGetValue((item.StreamIndex, item.EntryIndex), out message!) || rejected.TryGetValue((item.StreamIndex, -1), out message!);
    }

    private static void WriteItemError(Utf8JsonWriter writer, string type, string reason)
    {
        writer.WriteNumber("status", 400);
        writer.WriteStartObject("error");
        writer.WriteString("type", type);
        writer.WriteString("reason", reason);
        writer.WriteEndObject();
    }

    private static async Task ErrorAsync(HttpContext context, int status, string type, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteStartArray("root_cause");
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WriteString("reason", reason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteString("type", type);
        writer.WriteString("reason", reason);
        writer.WriteEndObject();
        writer.WriteNumber("status", status);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
