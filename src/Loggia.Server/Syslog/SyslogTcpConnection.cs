using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Loggia.Ingest.Syslog;

namespace Loggia.Server.Syslog;

/// <summary>
/// One syslog TCP (or TLS) connection: reads, frames (RFC 6587, per message), parses and ingests batch by batch.
/// A batch is sent when it is full or when a read has been processed, and the next read waits until the batch is
/// durable, so a saturated ingester stops the reading and TCP flow control holds the sender back: nothing is dropped.
/// </summary>
internal sealed class SyslogTcpConnection(Socket socket, SyslogBatchSink sink, SyslogMetrics metrics, int maxMessageBytes, X509Certificate2? certificate)
{
    /// <summary>Read size beyond the largest message, so a read carries many messages.</summary>
    private const int ReadChunk = 64 * 1024;

    private readonly string _transport = certificate is null ? "tcp" : "tls";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        metrics.ConnectionOpened(_transport);
        try
        {
            await using var network = new NetworkStream(socket, ownsSocket: true);
            Stream stream = network;
            SslStream? tls = null;
            if (certificate is not null)
            {
                tls = new SslStream(network, leaveInnerStreamOpen: true);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken);
                stream = tls;
            }

            await using (tls)
            {
                await ReadLoopAsync(stream, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // The peer went away, the handshake failed or the server is stopping: the connection ends.
        }
        finally
        {
            metrics.ConnectionClosed(_transport);
        }
    }

    private async Task ReadLoopAsync(Stream stream, CancellationToken cancellationToken)
    {
        var framer = new SyslogFramer(maxMessageBytes);
        var buffer = new byte[maxMessageBytes + SyslogFramer.MaxHeaderBytes + ReadChunk];
        int start = 0, filled = 0;
        Task pending = Task.CompletedTask;
        while (true)
        {
            if (start == filled)
            {
                start = filled = 0;
            }
            else if (buffer.Length - filled < ReadChunk)
            {
                // Keep the unread tail and make room: the framer guarantees the tail is shorter than a message.
                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
                start = 0;
            }

            int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            bool final = read == 0;
            filled += read;
            sink.StartRead();
            while (true)
            {
                bool more = Frame(ref framer, buffer, ref start, filled, final);
                // Send when the batch is full, or when the sender has nothing more queued (lines are copied into the
                // batch, so reading on while bytes are waiting makes larger batches).
                if (sink.IsFull || (!more && sink.Count > 0 && (final || socket.Available == 0)))
                {
                    // One batch in flight while the next is filled: parsing overlaps the WAL's fsync, and a batch
                    // the ingester refuses holds up the reading (backpressure) before a second one is taken.
                    await pending;
                    pending = sink.FlushAsync(waitWhenBusy: true, cancellationToken);
                }

                if (!more)
                {
                    break;
                }
            }

            if (final)
            {
                await pending;
                await sink.FlushAsync(waitWhenBusy: true, cancellationToken);
                return;
            }
        }
    }

    /// <summary>Frames messages into the sink until it is full (true: more may follow) or the data runs out (false).</summary>
    private bool Frame(ref SyslogFramer framer, byte[] buffer, ref int start, int filled, bool final)
    {
        while (!sink.IsFull)
        {
            var kind = framer.Next(buffer.AsSpan(start, filled - start), final, out int consumed, out int offset, out int length);
            switch (kind)
            {
                case SyslogFrameKind.Message:
                case SyslogFrameKind.TruncatedMessage:
                    sink.Add(buffer.AsSpan(start + offset, length), kind == SyslogFrameKind.TruncatedMessage);
                    break;
                case SyslogFrameKind.BrokenFrame:
                    sink.BrokenFrame();
                    break;
            }

            start += consumed;
            if (kind == SyslogFrameKind.NeedMore || (kind == SyslogFrameKind.BrokenFrame))
            {
                return false;
            }
        }

        return true;
    }
}
