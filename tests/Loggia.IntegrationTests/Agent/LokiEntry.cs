namespace Loggia.IntegrationTests.Agent;

/// <summary>One entry as the server's Loki API returns it: its stream labels, timestamp (ns) and line.</summary>
internal sealed record LokiEntry(IReadOnlyDictionary<string, string> Labels, long Timestamp, string Line);
