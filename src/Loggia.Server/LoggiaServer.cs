using System.Globalization;
using Loggia.Core;
using Loggia.Core.Diagnostics;
using Loggia.Ingest;
using Loggia.Server.Configuration;
using Loggia.Ingest.Loki;
using Loggia.Server.Http;
using Loggia.Server.Ingest;
using Loggia.Server.Metrics;
using Loggia.Server.Ingest.Rules;
using Loggia.Server.Storage;
using Loggia.Server.Syslog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Loggia.Server;

/// <summary>
/// Composition root of the Loggia server: builds the web host with every endpoint from the loaded configuration.
/// </summary>
public static partial class LoggiaServer
{
    /// <summary>Opens the storage (recovering it) and builds the server host for <paramref name="config"/>.</summary>
    public static async Task<WebApplication> BuildAsync(ConfigLoadResult config, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        time ??= TimeProvider.System;
        var options = config.Options;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(options.LogLevel switch
        {
            "debug" => LogLevel.Debug,
            "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => LogLevel.Information,
        });
        ConfigureListeners(builder, options);
        // One scope per server: its /metrics reports its own meters even when servers share a process.
        var metrics = new MetricsScope();
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(services => new PrometheusExporter(metrics, logger: services.GetRequiredService<ILoggerFactory>().CreateLogger("Loggia.Metrics")));
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new TenantResolver(options.AuthEnabled));
        builder.Services.AddSingleton(new IngestMetrics(metrics));
        builder.Services.AddSingleton(services => new PushValidator(ToLokiLimits(options.Limits), time, services.GetRequiredService<IngestMetrics>()));
        builder.Services.AddSingleton<StorageEngine>(services =>
            StorageEngine.OpenAsync(options, services.GetRequiredService<ILoggerFactory>(), time, metrics, cancellationToken).GetAwaiter().GetResult());
        builder.Services.AddSingleton<IPushIngester, LokiIngester>();
        builder.Services.AddSingleton(_ => CreateIngestRules(options));
        builder.Services.AddSingleton(services => new PushPipeline(
            services.GetRequiredService<PushValidator>(), services.GetRequiredService<IPushIngester>(), services.GetRequiredService<IngestMetrics>(),
            services.GetRequiredService<IngestRules>()));
        builder.Services.AddSingleton<IngestPatternsEndpoint>();
        builder.Services.AddSingleton(services => new PushEndpoint(
            services.GetRequiredService<TenantResolver>(), services.GetRequiredService<PushPipeline>(), options.MaxReceiveMessageBytes, time));
        builder.Services.AddSingleton(services => new OtlpHttpEndpoint(
            services.GetRequiredService<TenantResolver>(), services.GetRequiredService<PushPipeline>(), options.MaxReceiveMessageBytes, time));
        builder.Services.AddSingleton(services => new OtlpGrpcEndpoint(
            services.GetRequiredService<TenantResolver>(), services.GetRequiredService<PushPipeline>(), options.MaxReceiveMessageBytes, time));
        builder.Services.AddSingleton(services => new ClefEndpoint(
            services.GetRequiredService<TenantResolver>(), services.GetRequiredService<PushPipeline>(), options.MaxReceiveMessageBytes, options.ClefApiKey));
        builder.Services.AddSingleton(services => new ElasticsearchEndpoint(
            services.GetRequiredService<TenantResolver>(), services.GetRequiredService<PushPipeline>(),
            new Loggia.Ingest.Elasticsearch.BulkDecoder(options.ElasticsearchLabelFields), options.MaxReceiveMessageBytes, time));
        builder.Services.AddSingleton(services => new JournaldEndpoint(
            services.GetRequiredService<TenantResolver>(), services.GetRequiredService<PushPipeline>(), options.MaxReceiveMessageBytes, options.Limits.MaxLineSizeBytes, time));
        builder.Services.AddSingleton<QueryEndpoints>();
        builder.Services.AddReadApi();
        builder.Services.AddHostedService<FlushService>();
        builder.Services.AddHostedService<CompactorService>();
        builder.Services.AddHostedService<TermIndexService>();
        builder.Services.AddHostedService<BackupService>();
        // Registered after the flush service so that it stops first: connections finish their batch into the WAL.
        builder.Services.AddSingleton<SyslogMetrics>();
        builder.Services.AddSingleton<SyslogService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SyslogService>());
        var app = builder.Build();
        // The exporter listens from the start, so that recovery's counters (WAL corruptions, replays) are reported.
        app.Services.GetRequiredService<PrometheusExporter>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Loggia.Server");
        foreach (var warning in config.Warnings)
        {
            LogUnsupportedOption(logger, warning);
        }

        // Open (and recover) the storage before accepting requests.
        await Task.Run(() => app.Services.GetRequiredService<StorageEngine>(), cancellationToken);
        var push = app.Services.GetRequiredService<PushEndpoint>();
        var query = app.Services.GetRequiredService<QueryEndpoints>();
        MapOtlp(app, options.OtlpGrpcListenPort);
        app.MapPost("/loki/api/v1/push", push.HandleLokiPushAsync);
        app.MapPost("/api/prom/push", push.HandleLokiPushAsync);
        app.MapPost("/api/v1/logs", push.HandleNativePushAsync);
        var clef = app.Services.GetRequiredService<ClefEndpoint>();
        app.MapPost("/ingest/clef", clef.HandleAsync);
        app.MapPost("/api/events/raw", clef.HandleAsync);
        // systemd-journal-upload appends /upload to its URL, as systemd-journal-remote serves it.
        app.MapPost("/upload", app.Services.GetRequiredService<JournaldEndpoint>().HandleAsync);
        var elasticsearch = app.Services.GetRequiredService<ElasticsearchEndpoint>();
        string[] postPut = ["POST", "PUT"];
        app.MapMethods("/", ["GET", "HEAD"], ElasticsearchEndpoint.InfoAsync);
        app.MapGet("/_license", ElasticsearchEndpoint.LicenseAsync);
        app.MapMethods("/_bulk", postPut, elasticsearch.BulkAsync);
        app.MapMethods("/{index}/_bulk", postPut, elasticsearch.BulkAsync);
        app.MapMethods("/loki/api/v1/query_range", ["GET", "POST"], query.QueryRangeAsync);
        app.MapMethods("/loki/api/v1/query", ["GET", "POST"], query.QueryAsync);
        app.MapMethods("/loki/api/v1/labels", ["GET", "POST"], query.LabelsAsync);
        app.MapMethods("/loki/api/v1/label", ["GET", "POST"], query.LabelsAsync);
        app.MapMethods("/loki/api/v1/label/{name}/values", ["GET", "POST"], (HttpContext context, string name) => query.LabelValuesAsync(context, name));
        app.MapMethods("/loki/api/v1/series", ["GET", "POST"], query.SeriesAsync);
        app.MapReadApi(query);
        var patterns = app.Services.GetRequiredService<IngestPatternsEndpoint>();
        app.MapGet("/api/v1/patterns", patterns.ListAsync);
        app.MapPost("/api/v1/patterns", patterns.PutAsync);
        app.MapGet("/api/v1/patterns/{name}", (HttpContext context, string name) => patterns.GetAsync(context, name));
        app.MapDelete("/api/v1/patterns/{name}", (HttpContext context, string name) => patterns.DeleteAsync(context, name));

        app.MapGet("/ready", () => Results.Text("ready\n"));
        app.MapGet("/metrics", (PrometheusExporter exporter) => Results.Text(exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapGet("/loki/api/v1/status/buildinfo", () => Results.Json(new BuildInfoResponse(BuildInfo.Version, BuildInfo.Revision, "main", "loggia", "", BuildInfo.RuntimeVersion)));
        return app;
    }

    /// <summary>
    /// The HTTP listener, and the OTLP/gRPC one when its port is set: HTTP/2 only there, so that gRPC clients'
    /// cleartext HTTP/2 (prior knowledge) is served.
    /// </summary>
    private static void ConfigureListeners(WebApplicationBuilder builder, LoggiaOptions options)
    {
        var http = string.Create(CultureInfo.InvariantCulture, $"http://{options.HttpListenAddress}:{options.HttpListenPort}");
        var grpcPort = options.OtlpGrpcListenPort;
        if (grpcPort == 0)
        {
            builder.WebHost.UseUrls(http);
            return;
        }

        builder.WebHost.UseUrls(http, string.Create(CultureInfo.InvariantCulture, $"http://{options.HttpListenAddress}:{grpcPort}"));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == grpcPort)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        }));
    }

    /// <summary>OTLP logs: OTLP/HTTP on the HTTP port; everything on the gRPC port goes to the gRPC endpoint.</summary>
    private static void MapOtlp(WebApplication app, int grpcPort)
    {
        var otlp = app.Services.GetRequiredService<OtlpHttpEndpoint>();
        app.MapPost("/otlp/v1/logs", otlp.HandleAsync);
        app.MapPost("/v1/logs", otlp.HandleAsync);
        if (grpcPort != 0)
        {
            var grpc = app.Services.GetRequiredService<OtlpGrpcEndpoint>();
            app.MapWhen(context => context.Connection.LocalPort == grpcPort, branch => branch.Run(grpc.HandleAsync));
        }
    }

    /// <summary>The config file's rules (validated when the config was loaded) and the tenants' persisted runtime patterns.</summary>
    private static IngestRules CreateIngestRules(LoggiaOptions options)
    {
        var configured = new List<IngestRule>(options.IngestRules.Count);
        foreach (var definition in options.IngestRules)
        {
            configured.Add(IngestRule.Compile(definition));
        }

        return new IngestRules(configured, IngestPatternStore.Open(options.DataDirectory), new LabelCardinalityGuard(options.Limits.MaxRuleLabelValues));
    }

    private static LokiLimits ToLokiLimits(LimitsOptions limits) => new()
    {
        MaxLabelNamesPerSeries = limits.MaxLabelNamesPerSeries,
        MaxLabelNameLength = limits.MaxLabelNameLength,
        MaxLabelValueLength = limits.MaxLabelValueLength,
        MaxLineSize = (int)Math.Min(limits.MaxLineSizeBytes, int.MaxValue),
        MaxLineSizeTruncate = limits.MaxLineSizeTruncate,
        RejectOldSamples = limits.RejectOldSamples,
        RejectOldSamplesMaxAge = limits.RejectOldSamplesMaxAge,
        CreationGracePeriod = limits.CreationGracePeriod,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogUnsupportedOption(ILogger logger, string warning);

    private sealed record BuildInfoResponse(string version, string revision, string branch, string buildUser, string buildDate, string goVersion);
}
