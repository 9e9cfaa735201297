using Loggia.Core.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Loggia.Server.Http;

/// <summary>
/// The start of every read endpoint: the parameters from the query string and, for a POST with a form body
/// (Grafana and logcli post long queries as <c>application/x-www-form-urlencoded</c>), the form too; then the
/// tenant. Answers 401/400 itself (Loki's messages) when the tenant is missing or invalid.
/// </summary>
public static class ReadRequest
{
    /// <summary>The request's parameters and tenant; null after answering an error.</summary>
    public static async Task<(TenantId Tenant, IQueryCollection Form)?> BeginAsync(HttpContext context, TenantResolver tenants)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tenants);
        IQueryCollection form = context.Request.Query;
        if (context.Request.HasFormContentType)
        {
            var merged = new Dictionary<string, StringValues>(StringComparer.Ordinal);
            foreach (var (key, value) in context.Request.Query)
            {
                merged[key] = value;
            }

            foreach (var (key, value) in await context.Request.ReadFormAsync(context.RequestAborted))
            {
                merged[key] = value;
            }

            form = new QueryCollection(merged);
        }

        if (tenants.TryResolve(context.Request, out var tenant, out var status, out var error))
        {
            return (tenant, form);
        }

        await PushEndpoint.WriteErrorAsync(context, status, error!);
        return null;
    }

    /// <summary>
    /// Loki's <c>start</c>/<c>end</c>/<c>since</c> bounds: end defaults to now, start to end minus <c>since</c>
    /// (default <paramref name="defaultSince"/>); end before start is Loki's error.
    /// </summary>
    public static bool TryParseBounds(IQueryCollection form, long nowNanos, TimeSpan defaultSince, out long start, out long end, out string error)
    {
        ArgumentNullException.ThrowIfNull(form);
        start = 0;
        if (!LokiQueryParameters.TryParseTimestamp(form["end"].ToString(), nowNanos, out end, out error))
        {
            return false;
        }

        var since = defaultSince;
        var sinceText = form["since"].ToString();
        if (sinceText.Length > 0 && !Loggia.Core.Units.DurationParser.TryParse(sinceText, out since))
        {
            error = $"cannot parse \"{sinceText}\" to a valid duration";
            return false;
        }

        if (!LokiQueryParameters.TryParseTimestamp(form["start"].ToString(), end - (since.Ticks * 100), out start, out error))
        {
            return false;
        }

        if (end < start)
        {
            error = "end timestamp must not be before or equal to start time";
            return false;
        }

        return true;
    }

    /// <summary>Writes Loki's plain-text 400 and returns false, for the <c>if (!TryX) return await …</c> pattern.</summary>
    public static async Task<bool> BadRequestAsync(HttpContext context, string error)
    {
        await PushEndpoint.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
        return false;
    }
}
