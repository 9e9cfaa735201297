using Loggia.Ingest.Loki;

namespace Loggia.Ingest.Elasticsearch;

/// <summary>The documents of a bulk request as Loki streams, and one <see cref="BulkItem"/> per action, in order.</summary>
public sealed record BulkDecodeResult(PushRequest Push, IReadOnlyList<BulkItem> Items);
