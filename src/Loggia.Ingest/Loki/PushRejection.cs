namespace Loggia.Ingest.Loki;

/// <summary>
/// Entries of a push that validation rejected: one entry (<see cref="EntryIndex"/> ≥ 0), or a whole stream whose
/// labels are invalid (<see cref="EntryIndex"/> = -1, <see cref="EntryCount"/> = its entries).
/// </summary>
/// <param name="StreamIndex">The stream's index in the request.</param>
/// <param name="EntryIndex">The entry's index in its stream, or -1 for the whole stream.</param>
/// <param name="Reason">Loki's reason name (see <see cref="DiscardReasons"/>).</param>
/// <param name="Message">Loki's message for it, sent back to the client.</param>
/// <param name="EntryCount">How many entries are rejected.</param>
/// <param name="Bytes">Their size: line bytes plus structured metadata bytes.</param>
public readonly record struct PushRejection(int StreamIndex, int EntryIndex, string Reason, string Message, int EntryCount, long Bytes);
