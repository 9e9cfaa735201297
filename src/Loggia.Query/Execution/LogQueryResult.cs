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
/// <param name="Labels">Stream labels (plus structured metadata when labels are not categorized).</param>
/// <param name="Entries">Entries in query direction; lines and metadata are owned by the result.</param>
public sealed record StreamResult(Labels Labels, IReadOnlyList<LogEntry> Entries);
