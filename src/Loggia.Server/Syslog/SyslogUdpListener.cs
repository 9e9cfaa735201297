using System.Net;
using System.Net.Sockets;

namespace Loggia.Server.Syslog;

/// <summary>
/// Syslog over UDP (RFC 5426): one message per datagram. Datagrams already waiting are gathered into one batch; a
/// batch the saturated ingester refuses is dropped and counted, since UDP has no way to hold the sender back.
/// </summary>
internal sealed class SyslogUdpListener(Socket socket, SyslogBatchSink sink, int maxMessageBytes)
{
    /// <summary>Kernel receive buffer asked for, so bursts wait in the kernel while a batch is made durable.</summary>
    public const int ReceiveBufferBytes = 8 * 1024 * 1024;

    public EndPoint LocalEndPoint => socket.LocalEndPoint!;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        while (!cancellationToken.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP errors reported on the socket (e.g. port unreachable) do not stop the listener.
                continue;
            }

            sink.StartRead();
            sink.Add(buffer.AsSpan(0, Math.Min(received, maxMessageBytes)), truncated: received > maxMessageBytes);
            while (!sink.IsFull && socket.Available > 0)
            {
                try
                {
                    received = socket.Receive(buffer, SocketFlags.None);
                }
                catch (SocketException)
                {
                    break;
                }

                sink.Add(buffer.AsSpan(0, Math.Min(received, maxMessageBytes)), truncated: received > maxMessageBytes);
            }

            try
            {
                await sink.FlushAsync(waitWhenBusy: false, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (IOException)
            {
                // Counted as dropped by the sink; the listener goes on with the next datagrams.
            }
        }
    }
}
