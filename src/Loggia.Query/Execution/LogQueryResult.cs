using Loggia.Core.Model;

namespace Loggia.Query.Execution;

/// <summary>The result of a log query: streams in Loki's order, and statistics.</summary>
/// <param name="Streams">
/// Result streams sorted by their label string: ascending for forward queries, descending for backward ones
/// (the order Loki's query frontend returns).
/// </param>
/// <param name="Statistics">What the execution read and returned.</param>
public sealed record LogQueryResult(IReadOnlyList<StreamResult> Streams, QueryStatistics Statistics);

/// <summary>One result stream: its labels and its entries in the query's direction.</summary>
/// <param name="Labels">
/// The labels after the pipeline: all of them (stream, structured metadata, parsed), or only the stream labels
/// when labels are categorized.
/// </param>
/// <param name="Entries">Entries in query direction; lines and metadata are owned by the result.</param>
/// <param name="Parsed">
/// With categorized labels, each entry's parsed labels (parallel to <paramref name="Entries"/>); null when the
/// labels are not categorized or no entry has any.
/// </param>
public sealed record StreamResult(Labels Labels, IReadOnlyList<LogEntry> Entries, IReadOnlyList<Labels>? Parsed = null);
