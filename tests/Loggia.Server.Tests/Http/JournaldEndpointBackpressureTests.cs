using System.Net;
using System.Net.Http.Headers;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Server.Http;
using Loggia.Server.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Loggia.Server.Tests.Http;

/// <summary><c>POST /upload</c> over real HTTP with an ingester that is saturated, then recovers: 503 with Retry-After, then 202.</summary>
public sealed class JournaldEndpointBackpressureTests
{
    [Fact]
    public async Task SaturatedIngester_Is503WithRetryAfter_AndTheRetriedUploadIsTaken()
    {
        var ingester = new SwitchableIngester { Busy = true };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        var endpoint = new JournaldEndpoint(new TenantResolver(authEnabled: false), new PushPipeline(new PushValidator(LokiLimits.Default), ingester), 1024 * 1024, 256 * 1024, TimeProvider.System);
        app.MapPost("/upload", endpoint.HandleAsync);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var body = "SYSLOG_IDENTIFIER=busy\nMESSAGE=wait for me\n\n"u8.ToArray();

        using (var busy = await client.PostAsync("/upload", Content(body)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.Equal("1", busy.Headers.GetValues("Retry-After").Single());
            Assert.Contains("retry later", await busy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(ingester.Received);
        ingester.Busy = false;
        using var retried = await client.PostAsync("/upload", Content(body));
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal("OK.\n", await retried.Content.ReadAsStringAsync());
        Assert.Equal(1, Assert.Single(ingester.Received).EntryCount);
    }

    private static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(JournaldEndpoint.MediaType);
        return content;
    }

    private sealed class SwitchableIngester : IPushIngester
    {
        public List<PushRequest> Received { get; } = [];

        public bool Busy { get; set; }

        public ValueTask<IngestOutcome> IngestAsync(TenantId tenant, PushRequest request, CancellationToken cancellationToken)
        {
            if (Busy)
            {
                throw new IngesterBusyException("the ingester is saturated; retry later") { RetryAfterSeconds = 1 };
            }

            Received.Add(request);
            return ValueTask.FromResult(IngestOutcome.AllAccepted);
        }
    }
}
