using Loggia.Core.Model;

namespace Loggia.Server.Tail;

/// <summary>An entry a slow tail client did not get (Loki's <c>dropped_entries</c> item).</summary>
/// <param name="Labels">The entry's stream.</param>
/// <param name="TimestampNanos">The entry's timestamp.</param>
public readonly record struct TailDroppedEntry(Labels Labels, long TimestampNanos);
