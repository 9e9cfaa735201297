using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Loggia.IntegrationTests;

/// <summary>A real <c>loggia collect journald …</c> child process (following a journal), stopped by SIGTERM or SIGKILL.</summary>
internal sealed class CollectorProcess : IDisposable
{
    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly StringBuilder _output = new();

    private CollectorProcess(Process process) => _process = process;

    /// <summary>Everything the collector printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int Pid => _process.Id;

    /// <summary>Starts <c>loggia collect journald</c> with <paramref name="args"/>.</summary>
    public static CollectorProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "loggia.dll"));
        start.ArgumentList.Add("collect");
        start.ArgumentList.Add("journald");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the collector");
        var collector = new CollectorProcess(process);
        process.OutputDataReceived += collector.OnLine;
        process.ErrorDataReceived += collector.OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return collector;
    }

    private void OnLine(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is { } line)
        {
            lock (_lock)
            {
                _output.Append(line).Append('\n');
            }
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails at the deadline, or when the collector exited first (unless <paramref name="allowExited"/>).</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, bool allowExited = false, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (!allowExited && _process.HasExited)
            {
                Assert.Fail($"the collector exited ({_process.ExitCode}) before {what}:\n{Output}");
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"timed out waiting for {what}; collector output:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM (Process.Kill is SIGKILL), then waits for the graceful exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL of the collector alone (not journalctl, which must notice its reader is gone): nothing is flushed or saved.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
