using System.Diagnostics.CodeAnalysis;
using Loggia.Core.Model;

namespace Loggia.Ingest.Loki;

/// <summary>One stream of a push request: its label string as sent, the parsed labels, and its entries.</summary>
/// <remarks>
/// A label string that does not parse does not fail the whole request: as in Loki's distributor, the stream is
/// rejected by validation (<c>invalid_labels</c>) and the other streams are kept. <see cref="LabelsError"/> carries
/// the parser's message for that.
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A log stream (Loki's term), not a System.IO.Stream.")]
public sealed class PushStream
{
    /// <summary>Creates a stream.</summary>
    public PushStream(string rawLabels, Labels labels, string? labelsError, LogEntry[] entries)
    {
        ArgumentNullException.ThrowIfNull(rawLabels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(entries);
        RawLabels = rawLabels;
        Labels = labels;
        LabelsError = labelsError;
        Entries = entries;
    }

    /// <summary>Creates a stream by parsing <paramref name="rawLabels"/>.</summary>
    public static PushStream Create(string rawLabels, LogEntry[] entries)
    {
        ArgumentNullException.ThrowIfNull(rawLabels);
        return Labels.TryParse(rawLabels, out Labels labels, out string? error)
            ? new PushStream(rawLabels, labels, null, entries)
            : new PushStream(rawLabels, Labels.Empty, error, entries);
    }

    /// <summary>
    /// A stream whose label string was not valid UTF-8 (<paramref name="rawLabels"/> has U+FFFD in place of the invalid
    /// bytes): refused by validation as <c>invalid_labels</c>, as Loki's label parser refuses it.
    /// </summary>
    public static PushStream InvalidUtf8(string rawLabels, LogEntry[] entries) =>
        new(rawLabels, Labels.Empty, "parse error: invalid UTF-8 rune", entries);

    /// <summary>The label string exactly as the client sent it (Loki uses it in label validation messages).</summary>
    public string RawLabels { get; }

    /// <summary>The parsed labels; <see cref="Labels.Empty"/> when <see cref="LabelsError"/> is set.</summary>
    public Labels Labels { get; }

    /// <summary>The label parser's error, or <see langword="null"/> when the labels parsed.</summary>
    public string? LabelsError { get; }

    /// <summary>The entries in the order received.</summary>
    public ReadOnlyMemory<LogEntry> Entries { get; }
}
