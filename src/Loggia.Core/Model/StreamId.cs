using System.Globalization;

namespace Loggia.Core.Model;

/// <summary>
/// The 64-bit fingerprint of a stream's label set (see <see cref="Labels.Fingerprint"/> for the exact byte layout).
/// Two different label sets can share a fingerprint; the storage layer detects such collisions by comparing labels.
/// </summary>
/// <param name="Fingerprint">The XXH64 of the label set's canonical byte layout.</param>
public readonly record struct StreamId(ulong Fingerprint)
{
    /// <summary>The fingerprint as 16 lower-case hex digits (the form used in file names and logs).</summary>
    public override string ToString() => Fingerprint.ToString("x16", CultureInfo.InvariantCulture);
}
