using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Loggia.Bench.Ingest;

/// <summary>A <c>loggia server</c> process started by the benchmark on a free loopback port and a fresh data directory.</summary>
internal sealed class ServerUnderTest : IDisposable
{
    private readonly Process _process;

    private ServerUnderTest(Process process, string url, string dataDirectory)
    {
        _process = process;
        Url = url;
        DataDirectory = dataDirectory;
    }

    public string Url { get; }

    public string DataDirectory { get; }

    public static async Task<ServerUnderTest> StartAsync(string loggiaDll, string dataDirectory, IReadOnlyList<string>? extraFlags = null)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(loggiaDll);
        start.ArgumentList.Add("server");
        start.ArgumentList.Add($"-server.http-listen-port={port}");
        start.ArgumentList.Add($"-common.path-prefix={dataDirectory}");
        start.ArgumentList.Add("-log.level=warn");
        start.ArgumentList.Add("-distributor.otlp-grpc-listen-port=0");
        // The syslog case passes its own ports after these; otherwise syslog takes free ports so servers do not collide.
        start.ArgumentList.Add("-syslog.tcp-listen-port=0");
        start.ArgumentList.Add("-syslog.udp-listen-port=0");
        foreach (var flag in extraFlags ?? [])
        {
            start.ArgumentList.Add(flag);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var url = $"http://127.0.0.1:{port}";
        using var client = new HttpClient();
        for (var i = 0; i < 600; i++)
        {
            try
            {
                using var response = await client.GetAsync(url + "/ready");
                if (response.IsSuccessStatusCode)
                {
                    return new ServerUnderTest(process, url, dataDirectory);
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        process.Kill();
        throw new TimeoutException("the server did not start");
    }

    /// <summary>Peak resident memory of the server so far (VmHWM), in bytes.</summary>
    public long PeakRssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }

    /// <summary>
    /// CPU time (user + system) the server has used so far, from <c>/proc/PID/stat</c>: on a shared machine the
    /// CPU cost per message is a steadier figure than the rate.
    /// </summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        // Fields after the parenthesised command name: state is field 3, utime 14 and stime 15 (clock ticks, 100/s).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>SIGTERM, so the server flushes its head into blocks, then waits for it to exit.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
