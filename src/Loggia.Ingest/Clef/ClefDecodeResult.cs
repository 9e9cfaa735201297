using Loggia.Ingest.Loki;

namespace Loggia.Ingest.Clef;

/// <summary>The valid events of a CLEF payload as Loki streams, and what was wrong with the others.</summary>
/// <param name="Push">The valid events, grouped into streams.</param>
/// <param name="InvalidEvents">Lines that were not a valid CLEF event.</param>
/// <param name="FirstError">Why the first invalid line was refused (with its line number), or null.</param>
public sealed record ClefDecodeResult(PushRequest Push, int InvalidEvents, string? FirstError);
