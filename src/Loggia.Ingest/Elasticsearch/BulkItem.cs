namespace Loggia.Ingest.Elasticsearch;

/// <summary>One action of a bulk request, and where its document went (or why it was refused).</summary>
/// <param name="Action">The action name as sent: <c>index</c>, <c>create</c>, <c>update</c> or <c>delete</c>.</param>
/// <param name="Index">The target index (the action's <c>_index</c>, else the path's).</param>
/// <param name="Id">The document id (the action's <c>_id</c>, else a generated one).</param>
/// <param name="StreamIndex">The stream of the push request holding the entry, or -1 when the item was refused.</param>
/// <param name="EntryIndex">The entry's index in that stream, or -1.</param>
/// <param name="ErrorType">Elasticsearch's error type when refused while decoding, else null.</param>
/// <param name="ErrorReason">Why it was refused.</param>
public sealed record BulkItem(string Action, string Index, string Id, int StreamIndex, int EntryIndex, string? ErrorType = null, string? ErrorReason = null);
