using System.Diagnostics.Metrics;
using Loggia.Core.Model;
using Loggia.Ingest;
using Loggia.Ingest.Loki;
using Loggia.Server.Ingest.Rules;

namespace Loggia.Server.Ingest;

/// <summary>
/// The path every push protocol shares after decoding (Loki push, native logs, OTLP, syslog, CLEF, Elasticsearch):
/// apply the ingest rules of the tenant, validate with Loki's limits, hand the valid entries to the ingester (WAL, then head), count what was received and discarded,
/// and report the outcome for the protocol to answer in its own terms.
/// </summary>
public sealed class PushPipeline
{
    private static readonly Meter Meter = new("Loggia.Distributor");
    private static readonly Counter<long> LinesReceived = Meter.CreateCounter<long>("loggia_distributor_lines_received_total", description: "Log lines accepted by push endpoints, per tenant.");
    private static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>("loggia_distributor_bytes_received_total", description: "Bytes of log lines accepted by push endpoints, per tenant.");

    private readonly PushValidator _validator;
    private readonly IPushIngester _ingester;
    private readonly IngestMetrics? _metrics;
    private readonly IngestRules _rules;

    /// <summary>Creates the pipeline; <paramref name="metrics"/> counts entries the ingester refuses; <paramref name="rules"/> parse entries before validation.</summary>
    public PushPipeline(PushValidator validator, IPushIngester ingester, IngestMetrics? metrics = null, IngestRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(ingester);
        _validator = validator;
        _ingester = ingester;
        _metrics = metrics;
        _rules = rules ?? IngestRules.None;
    }

    /// <summary>
    /// Applies the ingest rules, validates and ingests <paramref name="push"/> for <paramref name="tenant"/>, which
    /// arrived by <paramref name="source"/>; completes once the kept entries are durable.
    /// </summary>
    public async ValueTask<PushOutcome> IngestAsync(TenantId tenant, IngestSource source, PushRequest push, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(push);
        // Rules run before validation, so the labels they create meet the same limits as the client's.
        push = _rules.Apply(tenant, source, push);
        var validation = _validator.Validate(tenant, push);
        var messages = new List<string>();
        if (validation.ErrorMessage is { } validationError)
        {
            messages.Add(validationError);
        }

        var refused = 0;
        if (validation.AcceptedEntries > 0)
        {
            IngestOutcome outcome;
            try
            {
                outcome = await _ingester.IngestAsync(tenant, validation.Accepted, cancellationToken);
            }
            catch (IngesterBusyException e)
            {
                return new PushOutcome(0, 0, [], e.RetryAfterSeconds, e.Message);
            }

            refused = outcome.RefusedMessages.Count;
            if (refused > 0)
            {
                _metrics?.RecordDiscarded(DiscardReasons.TooFarBehind, tenant, refused, 0);
            }

            RecordReceived(tenant, validation.Accepted, refused);
            messages.AddRange(outcome.RefusedMessages);
        }

        return new PushOutcome(validation.AcceptedEntries - refused, validation.RejectedEntries + refused, messages)
        {
            ValidationRejections = validation.Rejections,
        };
    }

    private static void RecordReceived(TenantId tenant, PushRequest accepted, int refused)
    {
        long lines = accepted.EntryCount - refused, bytes = 0;
        foreach (var stream in accepted.Streams)
        {
            foreach (var entry in stream.Entries.Span)
            {
                bytes += entry.Line.Length;
            }
        }

        var tag = new KeyValuePair<string, object?>("tenant", tenant.Value);
        LinesReceived.Add(Math.Max(0, lines), tag);
        BytesReceived.Add(bytes, tag);
    }
}
