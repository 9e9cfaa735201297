using System.Globalization;
using Loggia.Core.Model;

namespace Loggia.Ingest.Loki;

/// <summary>
/// Validates a decoded push against <see cref="LokiLimits"/> the way Loki's distributor does
/// (<c>pkg/distributor/validator.go</c> and <c>distributor.go</c>), with Loki's reason names and messages.
/// </summary>
/// <remarks>
/// <para>Order of checks, as in Loki. Streams without entries are skipped. Per stream: long lines are truncated
/// first when <see cref="LokiLimits.MaxLineSizeTruncate"/> is set; the label string must parse
/// (<c>invalid_labels</c>) and not be empty (<c>missing_labels</c>); then the label count (not counting
/// <c>service_name</c>), and for each label in sorted order its name length, value length and duplicate names. A
/// stream failing these loses all its entries. Per entry: too old (if rejecting old samples), too far in the future,
/// line too long, then structured metadata disallowed / too large / too many.</para>
/// <para>Label messages quote the stream's label string as sent; entry messages quote the canonical labels
/// (<see cref="Labels.ToString"/>), as Loki formats <c>labels.Labels</c>. Times print as RFC 3339 in UTC.</para>
/// </remarks>
public sealed class PushValidator
{
    /// <summary>Loki adds <c>service_name</c> itself, so it does not count against the label limit.</summary>
    private const string ServiceNameLabel = "service_name";

    private readonly LokiLimits _limits;
    private readonly TimeProvider _timeProvider;
    private readonly IngestMetrics? _metrics;

    /// <summary>Creates a validator.</summary>
    /// <param name="limits">The tenant's limits.</param>
    /// <param name="timeProvider">The clock (defaults to the system clock).</param>
    /// <param name="metrics">Where to count discarded entries, or null.</param>
    public PushValidator(LokiLimits limits, TimeProvider? timeProvider = null, IngestMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
    }

    /// <summary>Validates <paramref name="request"/> for <paramref name="tenant"/>.</summary>
    public PushValidationResult Validate(TenantId tenant, PushRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        long now = ToUnixNanos(_timeProvider.GetUtcNow());
        long oldest = now - (_limits.RejectOldSamplesMaxAge.Ticks * 100);
        long newest = now + (_limits.CreationGracePeriod.Ticks * 100);
        var rejections = new List<PushRejection>();
        var accepted = new List<PushStream>(request.Streams.Count);
        bool changed = false;

        for (int s = 0; s < request.Streams.Count; s++)
        {
            PushStream stream = request.Streams[s];
            if (stream.Entries.IsEmpty)
            {
                changed = true;
                continue;
            }

            LogEntry[] entries = TruncateLongLines(stream.Entries);
            if (ValidateLabels(stream) is { } labelError)
            {
                long bytes = 0;
                foreach (LogEntry entry in entries)
                {
                    bytes += EntrySize(entry);
                }

                Reject(rejections, tenant, new PushRejection(s, -1, labelError.Reason, labelError.Message, entries.Length, bytes));
                continue;
            }

            int kept = 0;
            for (int e = 0; e < entries.Length; e++)
            {
                LogEntry entry = entries[e];
                (string Reason, string Message)? error = ValidateEntry(stream.Labels, entry, oldest, newest);
                if (error is { } found)
                {
                    Reject(rejections, tenant, new PushRejection(s, e, found.Reason, found.Message, 1, EntrySize(entry)));
                    continue;
                }

                entries[kept++] = entry;
            }

            if (kept == 0)
            {
                continue;
            }

            if (kept == entries.Length && !WasModified(stream, entries))
            {
                accepted.Add(stream);
            }
            else
            {
                changed = true;
                accepted.Add(new PushStream(stream.RawLabels, stream.Labels, null, kept == entries.Length ? entries : entries[..kept]));
            }
        }

        return new PushValidationResult(rejections.Count == 0 && !changed ? request : new PushRequest(accepted), rejections);
    }

    private static bool WasModified(PushStream stream, LogEntry[] entries)
    {
        ReadOnlySpan<LogEntry> original = stream.Entries.Span;
        for (int i = 0; i < entries.Length; i++)
        {
            if (!original[i].Line.Equals(entries[i].Line))
            {
                return true;
            }
        }

        return false;
    }

    private void Reject(List<PushRejection> rejections, TenantId tenant, PushRejection rejection)
    {
        rejections.Add(rejection);
        _metrics?.RecordDiscarded(rejection.Reason, tenant, rejection.EntryCount, rejection.Bytes);
    }

    /// <summary>Copies the entries, cutting lines over the limit when truncation is on (Loki truncates before validating).</summary>
    private LogEntry[] TruncateLongLines(ReadOnlyMemory<LogEntry> source)
    {
        LogEntry[] entries = source.ToArray();
        int max = _limits.MaxLineSize;
        if (!_limits.MaxLineSizeTruncate || max <= 0)
        {
            return entries;
        }

        byte[] identifier = System.Text.Encoding.UTF8.GetBytes(_limits.MaxLineSizeTruncateIdentifier);
        for (int i = 0; i < entries.Length; i++)
        {
            ReadOnlyMemory<byte> line = entries[i].Line;
            if (line.Length <= max)
            {
                continue;
            }

            if (identifier.Length == 0 || identifier.Length >= max)
            {
                entries[i] = entries[i].WithLine(line[..max]);
            }
            else
            {
                byte[] truncated = new byte[max];
                line.Span[..(max - identifier.Length)].CopyTo(truncated);
                identifier.CopyTo(truncated.AsSpan(max - identifier.Length));
                entries[i] = entries[i].WithLine(truncated);
            }
        }

        return entries;
    }

    private (string Reason, string Message)? ValidateLabels(PushStream stream)
    {
        if (stream.LabelsError is not null)
        {
            return (DiscardReasons.InvalidLabels, $"Error parsing labels '{stream.RawLabels}' with error: {stream.LabelsError}");
        }

        Labels labels = stream.Labels;
        if (labels.Count == 0)
        {
            return (DiscardReasons.MissingLabels, "error at least one label pair is required per stream");
        }

        int names = labels.Count - (labels.Has(ServiceNameLabel) ? 1 : 0);
        if (names > _limits.MaxLabelNamesPerSeries)
        {
            return (DiscardReasons.MaxLabelNamesPerSeries, Invariant($"entry for stream '{stream.RawLabels}' has {names} label names; limit {_limits.MaxLabelNamesPerSeries}"));
        }

        string? previous = null;
        foreach (LabelPair pair in labels.Pairs)
        {
            if (System.Text.Encoding.UTF8.GetByteCount(pair.Name) > _limits.MaxLabelNameLength)
            {
                return (DiscardReasons.LabelNameTooLong, $"stream '{stream.RawLabels}' has label name too long: '{pair.Name}'");
            }

            if (System.Text.Encoding.UTF8.GetByteCount(pair.Value) > _limits.MaxLabelValueLength)
            {
                return (DiscardReasons.LabelValueTooLong, $"stream '{stream.RawLabels}' has label value too long: '{pair.Value}'");
            }

            if (string.Equals(previous, pair.Name, StringComparison.Ordinal))
            {
                return (DiscardReasons.DuplicateLabelNames, $"stream '{stream.RawLabels}' has duplicate label name: '{pair.Name}'");
            }

            previous = pair.Name;
        }

        return null;
    }

    private (string Reason, string Message)? ValidateEntry(Labels labels, LogEntry entry, long oldest, long newest)
    {
        long ts = entry.TimestampNanos;
        if (_limits.RejectOldSamples && ts < oldest)
        {
            return (DiscardReasons.GreaterThanMaxSampleAge, $"entry for stream '{labels}' has timestamp too old: {FormatTime(ts)}, oldest acceptable timestamp is: {FormatTime(oldest)}");
        }

        if (ts > newest)
        {
            return (DiscardReasons.TooFarInFuture, $"entry for stream '{labels}' has timestamp too new: {FormatTime(ts)}");
        }

        int lineLength = entry.Line.Length;
        if (_limits.MaxLineSize != 0 && lineLength > _limits.MaxLineSize)
        {
            return (DiscardReasons.LineTooLong, Invariant($"Max entry size '{_limits.MaxLineSize}' bytes exceeded for stream '{labels}' while adding an entry with length '{lineLength}' bytes"));
        }

        int metadataCount = entry.StructuredMetadata.Length;
        if (metadataCount > 0)
        {
            if (!_limits.AllowStructuredMetadata)
            {
                return (DiscardReasons.DisallowedStructuredMetadata, $"stream '{labels}' includes structured metadata, but this feature is disallowed. Please see `limits_config.allow_structured_metadata` or contact your Loki administrator to enable it.");
            }

            int size = entry.StructuredMetadataSize;
            if (_limits.MaxStructuredMetadataSize != 0 && size > _limits.MaxStructuredMetadataSize)
            {
                return (DiscardReasons.StructuredMetadataTooLarge, Invariant($"stream '{labels}' has structured metadata too large: '{size}' bytes, limit: '{_limits.MaxStructuredMetadataSize}' bytes. Please see `limits_config.max_structured_metadata_size` or contact your Loki administrator to increase it."));
            }

            if (_limits.MaxStructuredMetadataEntriesCount != 0 && metadataCount > _limits.MaxStructuredMetadataEntriesCount)
            {
                return (DiscardReasons.StructuredMetadataTooMany, Invariant($"stream '{labels}' has too many structured metadata labels: '{metadataCount}', limit: '{_limits.MaxStructuredMetadataEntriesCount}'. Please see `limits_config.max_structured_metadata_entries_count` or contact your Loki administrator to increase it."));
            }
        }

        return null;
    }

    private static long EntrySize(LogEntry entry) => entry.Line.Length + entry.StructuredMetadataSize;

    private static long ToUnixNanos(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>Go's <c>time.RFC3339</c> layout in UTC: whole seconds, <c>Z</c>.</summary>
    private static string FormatTime(long unixNanos)
    {
        // Floor to the second like Go (which truncates toward the earlier instant for negative times too).
        long seconds = Math.DivRem(unixNanos, 1_000_000_000L, out long remainder);
        if (remainder < 0)
        {
            seconds--;
        }

        return DateTime.UnixEpoch.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
