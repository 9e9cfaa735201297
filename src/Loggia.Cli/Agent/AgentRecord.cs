using Loggia.Core.Model;
using Loggia.Ingest.Files;

namespace Loggia.Cli.Agent;

/// <summary>An entry on its way to the server: its stream, timestamp (ns) and where it ends in its file.</summary>
internal readonly record struct AgentRecord(Labels Stream, string Path, long Timestamp, TailedRecord Entry);
