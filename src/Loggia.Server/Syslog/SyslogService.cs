using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Loggia.Core.Model;
using Loggia.Server.Configuration;
using Loggia.Server.Ingest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loggia.Server.Syslog;

/// <summary>
/// The syslog receivers as a hosted service: binds the TCP (optionally TLS) and UDP ports when the server starts,
/// serves every TCP connection on its own task, and on stop closes the listeners and waits for the connections to
/// finish the batch they are making durable.
/// </summary>
public sealed partial class SyslogService : IHostedService, IDisposable
{
    private readonly SyslogOptions _options;
    private readonly PushPipeline _pipeline;
    private readonly SyslogMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<SyslogService> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _tasks = new();
    private readonly TenantId _tenant;
    private Socket? _tcp;
    private Socket? _udp;
    private X509Certificate2? _certificate;

    /// <summary>Creates the service; nothing is bound before <see cref="StartAsync"/>.</summary>
    public SyslogService(LoggiaOptions options, PushPipeline pipeline, SyslogMetrics metrics, TimeProvider time, ILogger<SyslogService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Syslog;
        _pipeline = pipeline;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _tenant = TenantId.Create(_options.Tenant);
    }

    /// <summary>Where the TCP receiver listens (null when off).</summary>
    public IPEndPoint? TcpEndPoint => _tcp?.LocalEndPoint as IPEndPoint;

    /// <summary>Where the UDP receiver listens (null when off).</summary>
    public IPEndPoint? UdpEndPoint => _udp?.LocalEndPoint as IPEndPoint;

    private int MaxMessageBytes => (int)_options.MaxMessageBytes;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(_options.ListenAddress);
        if (_options.TlsCertFile.Length > 0 || _options.TlsKeyFile.Length > 0)
        {
            _certificate = X509Certificate2.CreateFromPemFile(_options.TlsCertFile, _options.TlsKeyFile.Length > 0 ? _options.TlsKeyFile : null);
        }

        if (_options.TcpListenPort >= 0)
        {
            _tcp = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            _tcp.Bind(new IPEndPoint(address, _options.TcpListenPort));
            _tcp.Listen(512);
            Track(AcceptLoopAsync(_tcp));
            LogListening(_logger, _certificate is null ? "TCP" : "TLS", _tcp.LocalEndPoint);
        }

        if (_options.UdpListenPort >= 0)
        {
            _udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = SyslogUdpListener.ReceiveBufferBytes };
            _udp.Bind(new IPEndPoint(address, _options.UdpListenPort));
            var listener = new SyslogUdpListener(_udp, NewSink("udp"), MaxMessageBytes);
            Track(Task.Run(() => listener.RunAsync(_stopping.Token), CancellationToken.None));
            LogListening(_logger, "UDP", _udp.LocalEndPoint);
        }

        return Task.CompletedTask;
    }

    private int _disposed;

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _tcp?.Dispose();
        _udp?.Dispose();
        try
        {
            await Task.WhenAll(_tasks.Keys).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's stop timeout passed; the remaining connections are abandoned.
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // The container disposes this twice (as itself and as the hosted service it also is).
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Disposed without StopAsync (a host disposed without stopping): end the loops before their token goes.
        _stopping.Cancel();
        _stopping.Dispose();
        _tcp?.Dispose();
        _udp?.Dispose();
        _certificate?.Dispose();
    }

    private SyslogBatchSink NewSink(string transport) => new(_pipeline, _tenant, _metrics, _time, transport);

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token);
            }
            catch (ObjectDisposedException)
            {
                // The listener was closed (stopped, or the host disposed without stopping): nothing more to accept.
                return;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                // A failed accept (a peer that reset first, out of descriptors) must not stop the listener, nor spin it.
                await Task.Delay(10, CancellationToken.None);
                continue;
            }

            client.NoDelay = true;
            var connection = new SyslogTcpConnection(client, NewSink(_certificate is null ? "tcp" : "tls"), _metrics, MaxMessageBytes, _certificate);
            Track(Task.Run(() => RunConnectionAsync(connection), CancellationToken.None));
        }
    }

    private async Task RunConnectionAsync(SyslogTcpConnection connection)
    {
        try
        {
            await connection.RunAsync(_stopping.Token);
        }
        catch (Exception e)
        {
            // An ingest failure (e.g. the WAL failed) ends this connection; the sender reconnects and resends.
            LogConnectionFailed(_logger, e);
        }
    }

    private void Track(Task task)
    {
        _tasks.TryAdd(task, true);
        task.ContinueWith(t => _tasks.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "syslog over {Transport} listening on {EndPoint}")]
    private static partial void LogListening(ILogger logger, string transport, EndPoint? endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "syslog connection ended by an ingest failure")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception);
}
