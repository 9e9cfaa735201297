namespace Loggia.Query.Patterns;

/// <summary>A pattern found by the <see cref="DrainMiner"/>: its text and how many lines matched it per time bucket.</summary>
/// <param name="Pattern">Tokens joined by spaces, variable parts as <c>&lt;_&gt;</c> (Loki's placeholder).</param>
/// <param name="Count">Lines that matched.</param>
/// <param name="Samples">(bucket, lines) pairs in bucket order.</param>
public sealed record MinedPattern(string Pattern, long Count, IReadOnlyList<(long Bucket, long Count)> Samples);
