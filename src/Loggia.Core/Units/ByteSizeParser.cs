using System.Globalization;

namespace Loggia.Core.Units;

/// <summary>
/// Parses byte sizes as Loki's configuration accepts them (<c>256KB</c>, <c>1MB</c>, <c>4MiB</c>,
/// <c>1.5GB</c>, <c>1024</c>): as in Loki (whose flags parse sizes with the <c>datasize</c> package),
/// <c>KB</c> and <c>KiB</c> both mean 1024 bytes, <c>MB</c> and <c>MiB</c> 1024², and so on;
/// case-insensitive, an optional <c>B</c>, and a bare number of bytes.
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
            "K" or "KB" or "KI" or "KIB" => 1024m,
            "M" or "MB" or "MI" or "MIB" => 1024m * 1024,
            "G" or "GB" or "GI" or "GIB" => 1024m * 1024 * 1024,
            "T" or "TB" or "TI" or "TIB" => 1024m * 1024 * 1024 * 1024,
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
