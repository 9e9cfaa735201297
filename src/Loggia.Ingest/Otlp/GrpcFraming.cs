using System.Buffers.Binary;
using System.Text;

namespace Loggia.Ingest.Otlp;

/// <summary>
/// gRPC's message framing over HTTP/2 (<c>PROTOCOL-HTTP2.md</c>): each message is a 1-byte compressed flag, a 4-byte
/// big-endian length and the message. A unary request body holds exactly one message.
/// </summary>
public static class GrpcFraming
{
    /// <summary>The size of a message's prefix.</summary>
    public const int PrefixLength = 5;

    /// <summary>Reads the single message of a unary request body.</summary>
    /// <param name="body">The whole request body.</param>
    /// <param name="compressed">Whether the message is compressed with the call's <c>grpc-encoding</c>.</param>
    /// <param name="messageStart">Where the message starts in <paramref name="body"/>.</param>
    /// <param name="messageLength">The message's length.</param>
    /// <param name="error">Why the body is not one well-framed message, or null.</param>
    public static bool TryReadUnary(ReadOnlySpan<byte> body, out bool compressed, out int messageStart, out int messageLength, out string? error)
    {
        compressed = false;
        messageStart = PrefixLength;
        messageLength = 0;
        if (body.Length < PrefixLength)
        {
            error = body.IsEmpty ? "no request message" : "truncated message prefix";
            return false;
        }

        if (body[0] > 1)
        {
            error = $"invalid compressed flag {body[0]}";
            return false;
        }

        compressed = body[0] == 1;
        uint length = BinaryPrimitives.ReadUInt32BigEndian(body[1..PrefixLength]);
        if (length > (uint)(body.Length - PrefixLength))
        {
            error = "truncated message";
            return false;
        }

        if (length < (uint)(body.Length - PrefixLength))
        {
            error = "more than one request message for a unary method";
            return false;
        }

        messageLength = (int)length;
        error = null;
        return true;
    }

    /// <summary>Frames one uncompressed message.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        byte[] framed = new byte[PrefixLength + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1, 4), (uint)message.Length);
        message.CopyTo(framed.AsSpan(PrefixLength));
        return framed;
    }

    /// <summary>Percent-encodes a status message for the <c>grpc-message</c> trailer (bytes outside 0x20–0x7E, and '%').</summary>
    public static string EncodeMessage(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        byte[] utf8 = Encoding.UTF8.GetBytes(message);
        var builder = new StringBuilder(utf8.Length);
        foreach (byte b in utf8)
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
