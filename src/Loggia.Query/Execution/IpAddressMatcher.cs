using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution;

/// <summary>
/// The operand of LogQL's <c>ip("…")</c>: one address, a range <c>a-b</c> or a CIDR prefix <c>a/n</c>, IPv4 or IPv6,
/// parsed as strictly as Go's <c>netip</c> (IPv4 needs four decimal parts without leading zeros). Addresses of
/// different families never match each other (an IPv4-mapped IPv6 address is IPv6), as in Go.
/// </summary>
internal sealed class IpAddressMatcher
{
    private readonly bool _isV6;
    private readonly UInt128 _low;
    private readonly UInt128 _high;

    private IpAddressMatcher(bool isV6, UInt128 low, UInt128 high)
    {
        _isV6 = isV6;
        _low = low;
        _high = high;
    }

    /// <summary>Parses the pattern or throws Loki's <c>ip: invalid pattern: "…"</c> error.</summary>
    public static IpAddressMatcher Parse(string pattern)
    {
        if (TryParseAddress(pattern, out var v6, out var value))
        {
            return new IpAddressMatcher(v6, value, value);
        }
        var slash = pattern.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && TryParseAddress(pattern.AsSpan(0, slash), out v6, out value)
            && TryParsePrefixLength(pattern.AsSpan(slash + 1), v6 ? 128 : 32, out var bits))
        {
            var hostBits = (v6 ? 128 : 32) - bits;
            var hostMask = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - UInt128.One;
            return new IpAddressMatcher(v6, value & ~hostMask, value | hostMask);
        }
        var dash = pattern.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 && TryParseAddress(pattern.AsSpan(0, dash), out var fromV6, out var from)
            && TryParseAddress(pattern.AsSpan(dash + 1), out var toV6, out var to)
            && fromV6 == toV6 && from <= to)
        {
            return new IpAddressMatcher(fromV6, from, to);
        }
        throw LogQLParseException.Plain($"ip: invalid pattern: \"{pattern}\"");
    }

    public bool Contains(bool isV6, UInt128 address) => isV6 == _isV6 && address >= _low && address <= _high;

    /// <summary>Parses one address as Go's <c>netip.ParseAddr</c> would (zones are not accepted here).</summary>
    public static bool TryParseAddress(ReadOnlySpan<char> s, out bool isV6, out UInt128 value)
    {
        isV6 = s.Contains(':');
        value = UInt128.Zero;
        if (!isV6)
        {
            if (!TryParseIPv4(s, out var v4))
            {
                return false;
            }
            value = v4;
            return true;
        }
        if (s.Contains('%') || s.Contains('[') || s.Contains('/'))
        {
            return false;
        }
        // The BCL's IPv6 parser accepts the same textual forms as Go for the characters allowed here
        // (hex groups, "::", a trailing dotted IPv4); it is not reached for IPv4, where it is lenient.
        if (!IPAddress.TryParse(s, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6 || !ValidEmbeddedV4(s))
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return true;
    }

    /// <summary>Go rejects a dotted IPv4 tail with leading zeros or other oddities; check it strictly.</summary>
    private static bool ValidEmbeddedV4(ReadOnlySpan<char> s)
    {
        var colon = s.LastIndexOf(':');
        var tail = s[(colon + 1)..];
        return !tail.Contains('.') || TryParseIPv4(tail, out _);
    }

    private static bool TryParseIPv4(ReadOnlySpan<char> s, out uint value)
    {
        value = 0;
        var parts = 0;
        var i = 0;
        while (parts < 4)
        {
            var start = i;
            var octet = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                octet = (octet * 10) + (s[i] - '0');
                if (octet > 255 || i - start >= 3)
                {
                    return false;
                }
                i++;
            }
            var length = i - start;
            if (length == 0 || (length > 1 && s[start] == '0'))
            {
                return false;
            }
            value = (value << 8) | (uint)octet;
            parts++;
            if (parts < 4)
            {
                if (i >= s.Length || s[i] != '.')
                {
                    return false;
                }
                i++;
            }
        }
        return i == s.Length;
    }

    private static bool TryParsePrefixLength(ReadOnlySpan<char> s, int max, out int bits)
    {
        bits = 0;
        if (s.IsEmpty || s.Length > 3 || (s.Length > 1 && s[0] == '0'))
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        bits = int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        return bits <= max;
    }
}
