using Loggia.Core.Model;

namespace Loggia.Storage.Head;

/// <summary>A decoded head WAL record: one tenant's accepted entries, grouped by stream.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Streams">The streams in record order.</param>
public sealed record HeadWalBatch(TenantId Tenant, IReadOnlyList<HeadWalStreamEntries> Streams);

/// <summary>One stream of a decoded head WAL record.</summary>
/// <param name="Labels">The stream labels.</param>
/// <param name="Entries">The entries in the order they were accepted; lines are slices of one copy of the payload.</param>
public sealed record HeadWalStreamEntries(Labels Labels, LogEntry[] Entries);
