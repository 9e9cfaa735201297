using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.Execution.Templates;

namespace Loggia.Server.Ingest.Rules;

/// <summary>
/// Runs ingest rules over a decoded push before validation. Per entry, the rules whose source and selector match its
/// stream are tried in order; the first whose pipeline keeps the entry without <c>__error__</c> applies: its labels
/// join the stream labels (so the entry may move to another stream), its structured metadata is added, its timestamp
/// and line may replace the received ones. An entry no rule applies to passes unchanged, so a rule never loses data.
/// </summary>
public static class IngestRuleApplier
{
    private static readonly Meter Meter = new("Loggia.IngestRules.Applier");
    private static readonly Counter<long> Applied = Meter.CreateCounter<long>(
        "loggia_ingest_rule_entries_total", description: "Entries an ingest rule applied to, per tenant and rule.");
    private static readonly Counter<long> TimestampErrors = Meter.CreateCounter<long>(
        "loggia_ingest_rule_timestamp_errors_total", description: "Entries whose extracted timestamp did not parse (the received time was kept), per tenant and rule.");

    /// <summary>Applies <paramref name="rules"/> to <paramref name="push"/>; returns <paramref name="push"/> itself when no rule matches any stream.</summary>
    public static PushRequest Apply(TenantId tenant, IngestSource source, PushRequest push, IReadOnlyList<IngestRule> rules, LabelCardinalityGuard guard)
    {
        ArgumentNullException.ThrowIfNull(push);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(guard);
        if (rules.Count == 0)
        {
            return push;
        }

        List<PushStream>? output = null;
        for (var s = 0; s < push.Streams.Count; s++)
        {
            var stream = push.Streams[s];
            var matching = stream.LabelsError is null ? Matching(rules, source, stream.Labels) : null;
            if (matching is null)
            {
                output?.Add(stream);
                continue;
            }

            if (output is null)
            {
                output = new List<PushStream>(push.Streams.Count + 4);
                for (var before = 0; before < s; before++)
                {
                    output.Add(push.Streams[before]);
                }
            }

            ApplyToStream(tenant, source, stream, matching, guard, output);
        }

        return output is null ? push : new PushRequest(output);
    }

    private static List<IngestRule>? Matching(IReadOnlyList<IngestRule> rules, IngestSource source, Labels labels)
    {
        List<IngestRule>? matching = null;
        foreach (var rule in rules)
        {
            if (rule.AppliesTo(source, labels))
            {
                (matching ??= []).Add(rule);
            }
        }

        return matching;
    }

    private static void ApplyToStream(TenantId tenant, IngestSource source, PushStream stream, List<IngestRule> rules, LabelCardinalityGuard guard, List<PushStream> output)
    {
        var processors = new PipelineProcessor[rules.Count];
        for (var r = 0; r < rules.Count; r++)
        {
            processors[r] = rules[r].Rent();
        }

        try
        {
            // Entries keep their order within each resulting stream; the unchanged ones stay under the key "".
            var groups = new Dictionary<string, (Labels Labels, List<LogEntry> Entries)>(StringComparer.Ordinal);
            var promoted = new List<LabelPair>();
            var metadata = new List<LabelPair>();
            var key = new StringBuilder();
            var applied = new long[rules.Count];
            var timestampErrors = new long[rules.Count];
            foreach (var entry in stream.Entries.Span)
            {
                var result = entry;
                var moved = false;
                for (var r = 0; r < rules.Count; r++)
                {
                    var processor = processors[r];
                    if (!processor.Process(entry.TimestampNanos, entry.Line.Span, stream.Labels, entry.StructuredMetadata.Span) || processor.HasError)
                    {
                        continue;
                    }

                    var rule = rules[r];
                    applied[r]++;
                    promoted.Clear();
                    metadata.Clear();
                    foreach (var name in rule.Labels)
                    {
                        if (processor.TryGetLabel(name, out var value) && value.Length > 0)
                        {
                            (guard.Admit(tenant, name, value) ? promoted : metadata).Add(new LabelPair(name, value));
                        }
                    }

                    foreach (var name in rule.StructuredMetadata)
                    {
                        if (processor.TryGetLabel(name, out var value) && value.Length > 0)
                        {
                            metadata.Add(new LabelPair(name, value));
                        }
                    }

                    var timestamp = entry.TimestampNanos;
                    if (rule.Definition.TimestampSource is { } timeField)
                    {
                        if (processor.TryGetLabel(timeField, out var timeText)
                            && GoTimestamps.TryParseUnixNanos(rule.Definition.TimestampFormat, timeText, null, out var parsed))
                        {
                            timestamp = parsed;
                        }
                        else
                        {
                            timestampErrors[r]++;
                        }
                    }

                    var line = rule.Definition.ReplaceLine ? processor.Line.ToArray() : entry.Line;
                    result = new LogEntry(timestamp, line, MergeMetadata(entry.StructuredMetadata, promoted, metadata));
                    moved = promoted.Count > 0;
                    break;
                }

                var groupKey = "";
                if (moved)
                {
                    key.Clear();
                    foreach (var pair in promoted)
                    {
                        key.Append(pair.Name).Append('\u0001').Append(pair.Value).Append('\u0002');
                    }

                    groupKey = key.ToString();
                }

                if (!groups.TryGetValue(groupKey, out var group))
                {
                    group = (moved ? MergeLabels(stream.Labels, promoted) : stream.Labels, []);
                    groups.Add(groupKey, group);
                }

                group.Entries.Add(result);
            }

            foreach (var (labels, entries) in groups.Values)
            {
                output.Add(ReferenceEquals(labels, stream.Labels)
                    ? new PushStream(stream.RawLabels, stream.Labels, null, [.. entries])
                    : new PushStream(labels.ToString(), labels, null, [.. entries]));
            }

            Record(tenant, source, rules, applied, timestampErrors);
        }
        finally
        {
            for (var r = 0; r < rules.Count; r++)
            {
                rules[r].Return(processors[r]);
            }
        }
    }

    private static Labels MergeLabels(Labels stream, List<LabelPair> promoted)
    {
        var pairs = new List<LabelPair>(stream.Count + promoted.Count);
        foreach (var pair in stream.Pairs)
        {
            if (!Contains(promoted, pair.Name))
            {
                pairs.Add(pair);
            }
        }

        pairs.AddRange(promoted);
        return Labels.Create(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pairs));
    }

    /// <summary>The received metadata without the fields promoted to labels or replaced, then the extracted fields.</summary>
    private static ReadOnlyMemory<LabelPair> MergeMetadata(ReadOnlyMemory<LabelPair> received, List<LabelPair> promoted, List<LabelPair> extracted)
    {
        if (promoted.Count == 0 && extracted.Count == 0)
        {
            return received;
        }

        var merged = new List<LabelPair>(received.Length + extracted.Count);
        foreach (var pair in received.Span)
        {
            if (!Contains(promoted, pair.Name) && !Contains(extracted, pair.Name))
            {
                merged.Add(pair);
            }
        }

        merged.AddRange(extracted);
        return merged.ToArray();
    }

    private static bool Contains(List<LabelPair> pairs, string name)
    {
        foreach (var pair in pairs)
        {
            if (pair.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    private static void Record(TenantId tenant, IngestSource source, List<IngestRule> rules, long[] applied, long[] timestampErrors)
    {
        for (var r = 0; r < rules.Count; r++)
        {
            var tags = new TagList
            {
                { "tenant", tenant.Value },
                { "rule", rules[r].Name },
                { "source", IngestSourceNames.Name(source) },
            };
            if (applied[r] > 0)
            {
                Applied.Add(applied[r], tags);
            }

            if (timestampErrors[r] > 0)
            {
                TimestampErrors.Add(timestampErrors[r], tags);
            }
        }
    }
}
