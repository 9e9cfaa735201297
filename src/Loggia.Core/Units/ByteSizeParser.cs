using System.Globalization;

namespace Loggia.Core.Units;

/// <summary>
/// Parses byte sizes as Loki's configuration accepts them (<c>256KB</c>, <c>1MB</c>, <c>4MiB</c>,
/// <c>1.5GB</c>, <c>1024</c>): decimal units (KB = 1000) and binary units (KiB = 1024), case-insensitive,
/// an optional <c>B</c>, and a bare number of bytes.
/// </summary>
public static class ByteSizeParser
{
    /// <summary>Parses <paramref name="text"/>; false when it is not a byte size.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        var numberEnd = 0;
        while (numberEnd < text.Length && (char.IsAsciiDigit(text[numberEnd]) || text[numberEnd] == '.'))
        {
            numberEnd++;
        }

        if (numberEnd == 0 || !decimal.TryParse(text[..numberEnd], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var unit = text[numberEnd..].Trim().ToString().ToUpperInvariant();
        decimal multiplier = unit switch
        {
            "" or "B" => 1,
            "K" or "KB" => 1000m,
            "M" or "MB" => 1000m * 1000,
            "G" or "GB" => 1000m * 1000 * 1000,
            "T" or "TB" => 1000m * 1000 * 1000 * 1000,
            "KI" or "KIB" => 1024m,
            "MI" or "MIB" => 1024m * 1024,
            "GI" or "GIB" => 1024m * 1024 * 1024,
            "TI" or "TIB" => 1024m * 1024 * 1024 * 1024,
            _ => -1,
        };
        if (multiplier < 0)
        {
            return false;
        }

        if (number > long.MaxValue / multiplier)
        {
            return false;
        }

        var value = number * multiplier;

        bytes = (long)value;
        return true;
    }
}
