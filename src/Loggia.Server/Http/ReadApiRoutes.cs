using Loggia.Server.Storage;
using Loggia.Server.Tail;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loggia.Server.Http;

/// <summary>
/// Registration of the read API beyond query/labels/series: tail (WebSocket), index stats and volume, Logs Drilldown's
/// detected labels/fields and patterns, format_query, and the legacy <c>/api/prom/*</c> aliases.
/// </summary>
public static class ReadApiRoutes
{
    /// <summary>Registers the services the read API needs.</summary>
    public static IServiceCollection AddReadApi(this IServiceCollection services)
    {
        services.AddSingleton<TailBroadcaster>();
        services.AddSingleton<DeleteRequestRegistry>();
        services.AddSingleton<UnreadableBlockReporter>();
        services.AddSingleton<QuerySources>();
        services.AddSingleton<DeleteEndpoint>();
        services.AddSingleton<TailEndpoint>();
        services.AddSingleton<LegacyEndpoints>();
        services.AddSingleton<IndexStatsEndpoint>();
        services.AddSingleton<VolumeEndpoint>();
        services.AddSingleton<DetectedLabelsEndpoint>();
        services.AddSingleton<DetectedFieldsEndpoint>();
        services.AddSingleton<PatternsEndpoint>();
        services.AddSingleton<TermsHistogramEndpoint>();
        return services;
    }

    /// <summary>Maps the routes (and enables WebSockets for tail). <paramref name="query"/> serves <c>/api/prom/series</c>.</summary>
    public static void MapReadApi(this WebApplication app, QueryEndpoints query)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(query);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(1) });
        var tail = app.Services.GetRequiredService<TailEndpoint>();
        var legacy = app.Services.GetRequiredService<LegacyEndpoints>();
        var stats = app.Services.GetRequiredService<IndexStatsEndpoint>();
        var volume = app.Services.GetRequiredService<VolumeEndpoint>();
        var detectedLabels = app.Services.GetRequiredService<DetectedLabelsEndpoint>();
        var detectedFields = app.Services.GetRequiredService<DetectedFieldsEndpoint>();
        var patterns = app.Services.GetRequiredService<PatternsEndpoint>();
        var delete = app.Services.GetRequiredService<DeleteEndpoint>();
        string[] getPost = ["GET", "POST"];

        app.MapGet("/loki/api/v1/tail", tail.TailAsync);
        app.MapMethods("/loki/api/v1/format_query", getPost, FormatQueryEndpoint.HandleAsync);
        app.MapMethods("/loki/api/v1/index/stats", getPost, stats.HandleAsync);
        app.MapMethods("/loki/api/v1/index/volume", getPost, volume.VolumeAsync);
        app.MapMethods("/loki/api/v1/index/volume_range", getPost, volume.VolumeRangeAsync);
        app.MapMethods("/loki/api/v1/detected_labels", getPost, detectedLabels.HandleAsync);
        app.MapMethods("/loki/api/v1/detected_fields", getPost, detectedFields.FieldsAsync);
        app.MapMethods("/loki/api/v1/detected_field/{name}/values", getPost, (HttpContext context, string name) => detectedFields.ValuesAsync(context, name));
        app.MapMethods("/loki/api/v1/patterns", getPost, patterns.HandleAsync);
        app.MapMethods("/loggia/api/v1/terms/histogram", getPost, app.Services.GetRequiredService<TermsHistogramEndpoint>().HandleAsync);
        app.MapPost("/loki/api/v1/delete", delete.AddAsync);
        app.MapPut("/loki/api/v1/delete", delete.AddAsync);
        app.MapGet("/loki/api/v1/delete", delete.ListAsync);
        app.MapDelete("/loki/api/v1/delete", delete.CancelAsync);

        app.MapGet("/api/prom/tail", tail.LegacyTailAsync);
        app.MapMethods("/api/prom/query", getPost, legacy.QueryAsync);
        app.MapMethods("/api/prom/label", getPost, legacy.LabelsAsync);
        app.MapMethods("/api/prom/label/{name}/values", getPost, (HttpContext context, string name) => legacy.LabelValuesAsync(context, name));
        app.MapMethods("/api/prom/series", getPost, query.SeriesAsync);
    }
}
