using System.Text.Json;
using Loggia.Query.LogQL.Syntax;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// <c>/loki/api/v1/format_query</c>: the query re-printed in canonical form by the LogQL printer,
/// <c>{"status":"success","data":"…"}</c>; a query that does not parse is Loki's 400 with the parse error.
/// Needs no tenant, as in Loki.
/// </summary>
public static class FormatQueryEndpoint
{
    /// <summary>Handles the request.</summary>
    public static async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = context.Request.Query["query"].ToString();
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (form.TryGetValue("query", out var posted))
            {
                query = posted.ToString();
            }
        }

        Expr expr;
        try
        {
            expr = LogQLParser.Parse(query);
        }
        catch (LogQLParseException e)
        {
            await ReadRequest.BadRequestAsync(context, e.Message);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("status", "success");
        writer.WriteString("data", expr.ToString());
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
