using Loggia.Core.Model;

namespace Loggia.Storage.Retention;

/// <summary>
/// Loki's <c>retention_stream</c> entry: streams matching <see cref="Selector"/> are kept for <see cref="Period"/>.
/// </summary>
/// <param name="Selector">The stream selector as configured, for the audit log.</param>
/// <param name="Matches">Whether a stream's labels match the selector (compiled by the caller: storage knows no LogQL).</param>
/// <param name="Priority">Among matching rules the highest priority wins; on a tie the shortest period.</param>
/// <param name="Period">How long matching streams are kept; <see cref="TimeSpan.Zero"/> keeps them forever.</param>
public sealed record StreamRetentionRule(string Selector, Func<Labels, bool> Matches, int Priority, TimeSpan Period);
