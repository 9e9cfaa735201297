using System.Text.Json;
using Loggia.Server.Ingest.Rules;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// <c>/api/v1/patterns</c>: the tenant's ingest extraction patterns, managed at runtime. GET lists the rules in force
/// (config file first, marked <c>"origin":"config"</c>, then the tenant's, <c>"origin":"api"</c>); GET
/// <c>/{name}</c> shows one; POST adds a rule or replaces the tenant's rule of that name (201 / 200, the rule
/// compiled before it is stored); DELETE <c>/{name}</c> removes it (204). Changes apply to the next push and persist
/// across restarts. Errors are plain text: 400 invalid rule, 404 unknown name, 409 name taken by the config file,
/// 415 not JSON.
/// </summary>
public sealed class IngestPatternsEndpoint(TenantResolver tenants, IngestRules rules)
{
    private const int MaxRuleBytes = 64 * 1024;

    /// <summary>GET <c>/api/v1/patterns</c>.</summary>
    public async Task ListAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!TryBegin(context, out var tenant, out var error))
        {
            await error;
            return;
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("status", "success");
            writer.WriteStartArray("data");
            foreach (var rule in rules.Configured)
            {
                WriteRule(writer, rule, "config");
            }

            foreach (var rule in Store.For(tenant))
            {
                WriteRule(writer, rule, "api");
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>GET <c>/api/v1/patterns/{name}</c>.</summary>
    public async Task GetAsync(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!TryBegin(context, out var tenant, out var error))
        {
            await error;
            return;
        }

        var (rule, origin) = Find(tenant, name);
        if (rule is null)
        {
            await TextAsync(context, StatusCodes.Status404NotFound, $"no ingest pattern named '{name}'");
            return;
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, writer => WriteRule(writer, rule, origin));
    }

    /// <summary>POST <c>/api/v1/patterns</c>: adds or replaces a rule.</summary>
    public async Task PutAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!TryBegin(context, out var tenant, out var error))
        {
            await error;
            return;
        }

        if (context.Request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await TextAsync(context, StatusCodes.Status415UnsupportedMediaType, "a pattern is posted as application/json");
            return;
        }

        using var body = await RequestBody.ReadAsync(context.Request, MaxRuleBytes, context.RequestAborted);
        if (body is null)
        {
            await TextAsync(context, StatusCodes.Status413PayloadTooLarge, $"a pattern must be at most {MaxRuleBytes} bytes");
            return;
        }

        IngestRule rule;
        try
        {
            using var document = JsonDocument.Parse(body.Span.ToArray());
            rule = IngestRule.Compile(IngestRuleJson.Read(document.RootElement));
        }
        catch (JsonException e)
        {
            await TextAsync(context, StatusCodes.Status400BadRequest, "invalid JSON: " + e.Message);
            return;
        }
        catch (IngestRuleException e)
        {
            await TextAsync(context, StatusCodes.Status400BadRequest, e.Message);
            return;
        }

        if (IsConfigured(rule.Name))
        {
            await TextAsync(context, StatusCodes.Status409Conflict, $"ingest rule '{rule.Name}' is defined in the config file and cannot be changed over the API");
            return;
        }

        var replaced = Store.Put(tenant, rule);
        await WriteJsonAsync(context, replaced ? StatusCodes.Status200OK : StatusCodes.Status201Created, writer => WriteRule(writer, rule, "api"));
    }

    /// <summary>DELETE <c>/api/v1/patterns/{name}</c>.</summary>
    public async Task DeleteAsync(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!TryBegin(context, out var tenant, out var error))
        {
            await error;
            return;
        }

        if (IsConfigured(name))
        {
            await TextAsync(context, StatusCodes.Status409Conflict, $"ingest rule '{name}' is defined in the config file and cannot be changed over the API");
            return;
        }

        if (!Store.Delete(tenant, name))
        {
            await TextAsync(context, StatusCodes.Status404NotFound, $"no ingest pattern named '{name}'");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private IngestPatternStore Store => rules.Patterns ?? throw new InvalidOperationException("runtime patterns are not enabled");

    private bool TryBegin(HttpContext context, out Loggia.Core.Model.TenantId tenant, out Task error)
    {
        if (!tenants.TryResolve(context.Request, out tenant, out var status, out var message))
        {
            error = TextAsync(context, status, message ?? "no org id");
            return false;
        }

        error = Task.CompletedTask;
        return true;
    }

    private (IngestRule? Rule, string Origin) Find(Loggia.Core.Model.TenantId tenant, string name)
    {
        if (rules.FindConfigured(name) is { } configured)
        {
            return (configured, "config");
        }

        foreach (var rule in Store.For(tenant))
        {
            if (rule.Name == name)
            {
                return (rule, "api");
            }
        }

        return (null, "");
    }

    private bool IsConfigured(string name) => rules.FindConfigured(name) is not null;

    private static void WriteRule(Utf8JsonWriter writer, IngestRule rule, string origin) =>
        IngestRuleJson.Write(writer, rule.Definition, origin);

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static async Task TextAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
