using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Loggia.IntegrationTests;

/// <summary>A real <c>loggia server</c> child process on a loopback port, for crash and end-to-end tests.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public int Port { get; }

    public HttpClient Client { get; }

    /// <summary>Starts the server on <paramref name="dataDirectory"/> and waits until <c>/ready</c> answers.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, int port, params string[] extraFlags)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "loggia.dll"));
        start.ArgumentList.Add("server");
        start.ArgumentList.Add($"-server.http-listen-port={port}");
        start.ArgumentList.Add($"-common.path-prefix={dataDirectory}");
        start.ArgumentList.Add("-log.level=warn");
        start.ArgumentList.Add("-distributor.otlp-grpc-listen-port=0");
        // Syslog on free ports, so servers started side by side (and a system syslog relay on 1514) do not collide.
        start.ArgumentList.Add("-syslog.tcp-listen-port=0");
        start.ArgumentList.Add("-syslog.udp-listen-port=0");
        foreach (var flag in extraFlags)
        {
            start.ArgumentList.Add(flag);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {process.ExitCode} during start");
            }

            try
            {
                using var response = await server.Client.GetAsync("/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        server.Kill();
        throw new TimeoutException("the server did not become ready within 60 s");
    }

    /// <summary>SIGTERM and wait for the exit: a graceful shutdown, which flushes the head into blocks.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>A free loopback port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Kill();
        Client.Dispose();
        _process.Dispose();
    }
}
