using System.Diagnostics;
using System.Text;

namespace Loggia.IntegrationTests.Agent;

/// <summary>A real <c>loggia agent -config.file …</c> child process whose log (stderr) the test can read and wait on.</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly StringBuilder _log = new();

    private AgentProcess(Process process) => _process = process;

    /// <summary>Everything the agent logged so far.</summary>
    public string Log
    {
        get
        {
            lock (_lock)
            {
                return _log.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the agent with <paramref name="configFile"/> in <paramref name="workingDirectory"/>.</summary>
    public static AgentProcess Start(string configFile, string workingDirectory) => StartWithFlags(workingDirectory, "-config.file", configFile);

    /// <summary>Starts <c>loggia agent</c> with <paramref name="flags"/> in <paramref name="workingDirectory"/>.</summary>
    public static AgentProcess StartWithFlags(string workingDirectory, params string[] flags)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "loggia.dll"));
        start.ArgumentList.Add("agent");
        foreach (var flag in flags)
        {
            start.ArgumentList.Add(flag);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the agent");
        var agent = new AgentProcess(process);
        process.OutputDataReceived += agent.OnLine;
        process.ErrorDataReceived += agent.OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    private void OnLine(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is { } line)
        {
            lock (_lock)
            {
                _log.Append(line).Append('\n');
            }
        }
    }

    /// <summary>How many logged lines contain <paramref name="text"/>.</summary>
    public int CountLogLines(string text) => Log.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed or saved.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM, then waits for the graceful exit and returns its code.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
