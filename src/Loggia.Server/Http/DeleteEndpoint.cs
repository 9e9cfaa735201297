using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Loggia.Query.Execution.Deletion;
using Loggia.Query.LogQL.Syntax;
using Loggia.Server.Configuration;
using Loggia.Server.Storage;
using Loggia.Storage.Catalog;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// Loki's log deletion API, <c>/loki/api/v1/delete</c>: POST adds a request (selector with an optional pipeline,
/// start, end, max_interval; 204), GET lists the tenant's requests, DELETE cancels one that has not been processed
/// (204; 404 unknown id; 400 once processed). Errors are plain text with Loki's wording. Accepted requests hide their
/// lines from queries at once; the compactor removes them from blocks once the cancellation period is over.
/// </summary>
public sealed class DeleteEndpoint(TenantResolver tenants, DeleteRequestRegistry registry, LoggiaOptions options, TimeProvider time)
{
    /// <summary>Loki's answer when deletion is disabled for the tenant.</summary>
    public const string NotAvailable = "deletion is not available for this tenant";

    /// <summary>POST: adds a delete request.</summary>
    public async Task AddAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await BeginAsync(context) is not var (tenant, form))
        {
            return;
        }

        var query = form["query"].ToString();
        if (query.Length == 0)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "query not set");
            return;
        }
        bool hasPipeline;
        try
        {
            hasPipeline = DeletionRule.Compile(query, 0, 0).Pipeline is not null;
        }
        catch (Exception e) when (e is LogQLParseException or NotSupportedException or ArgumentException)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid query expression: " + e.Message);
            return;
        }

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var startText = form["start"].ToString();
        if (startText.Length == 0)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "start time not set");
            return;
        }
        if (!TryParseTime(startText, nowMs, out var startMs))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid start time: require unix seconds or RFC3339 format");
            return;
        }
        if (!TryParseTime(form["end"].ToString(), nowMs, out var endMs))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid end time: require unix seconds or RFC3339 format");
            return;
        }
        if (endMs > nowMs)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "deletes in the future are not allowed");
            return;
        }
        if (startMs > endMs)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "start time can't be greater than end time");
            return;
        }
        if (hasPipeline && ValidateInterval(form["max_interval"].ToString(), startMs, endMs) is { } intervalError)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, intervalError);
            return;
        }

        // Loki splits a filtered request into max_interval shards to report progress; Loggia processes a request in
        // one pass, so the interval is validated as Loki does and the request is stored whole.
        var request = new DeleteRequest(NewId(), tenant.Value, query, startMs, endMs, nowMs, null);
        await registry.AddAsync(request, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>GET: the tenant's requests, oldest first, in Loki's JSON.</summary>
    public async Task ListAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await BeginAsync(context) is not var (tenant, _))
        {
            return;
        }

        var requests = await registry.ListAsync(tenant, context.RequestAborted);
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartArray();
        foreach (var (request, _) in requests)
        {
            writer.WriteStartObject();
            writer.WriteString("request_id", request.Id);
            WriteModelTime(writer, "start_time", request.StartMs);
            WriteModelTime(writer, "end_time", request.EndMs);
            writer.WriteString("query", request.Query);
            writer.WriteString("status", request.Status);
            WriteModelTime(writer, "created_at", request.CreatedMs);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>DELETE: cancels a request that has not been processed.</summary>
    public async Task CancelAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await BeginAsync(context) is not var (tenant, form))
        {
            return;
        }

        var id = form["request_id"].ToString();
        DeleteRequest? found = null;
        foreach (var (request, _) in await registry.ListAsync(tenant, context.RequestAborted))
        {
            if (request.Id == id)
            {
                found = request;
            }
        }
        if (found is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "could not find delete request with given id");
            return;
        }
        if (found.SweptMs is not null || !await registry.CancelAsync(tenant, id, context.RequestAborted))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "deletion of request which is in process or already processed is not allowed");
            return;
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task<(Loggia.Core.Model.TenantId Tenant, IQueryCollection Form)?> BeginAsync(HttpContext context)
    {
        if (await ReadRequest.BeginAsync(context, tenants) is not { } begun)
        {
            return null;
        }
        if (!registry.Enabled)
        {
            await ErrorAsync(context, StatusCodes.Status403Forbidden, NotAvailable);
            return null;
        }
        return begun;
    }

    /// <summary>Loki's rules for <c>max_interval</c> (or the whole range when absent) of a request with filters.</summary>
    private string? ValidateInterval(string text, long startMs, long endMs)
    {
        var range = TimeSpan.FromMilliseconds(endMs - startMs);
        if (text.Length == 0)
        {
            return range < TimeSpan.FromSeconds(1) ? "difference between start time and end time must be at least one second" : null;
        }
        if (!GoDuration.TryParseGo(text, out var interval) || interval < TimeSpan.FromSeconds(1))
        {
            return "invalid max_interval: valid time units are 's', 'm', 'h'";
        }
        if (options.DeleteMaxInterval > TimeSpan.Zero && interval > options.DeleteMaxInterval)
        {
            return $"max_interval can't be greater than {GoDuration.FormatGo(options.DeleteMaxInterval)}";
        }
        if (interval > range)
        {
            return $"max_interval can't be greater than the interval to be deleted ({GoDuration.FormatGo(range)})";
        }
        return null;
    }

    /// <summary>Loki's delete-API time: empty is now, exactly ten digits are Unix seconds, else RFC 3339.</summary>
    internal static bool TryParseTime(string text, long nowMs, out long ms)
    {
        ms = nowMs;
        if (text.Length == 0)
        {
            return true;
        }
        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            ms = instant.ToUnixTimeMilliseconds();
            return true;
        }
        if (text.Length == 10 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            ms = seconds * 1000;
            return true;
        }
        return false;
    }

    /// <summary>Prometheus' <c>model.Time</c> in JSON: seconds as a number with up to three decimals.</summary>
    private static void WriteModelTime(Utf8JsonWriter writer, string name, long ms)
    {
        writer.WritePropertyName(name);
        writer.WriteRawValue((ms / 1000m).ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private static async Task ErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
