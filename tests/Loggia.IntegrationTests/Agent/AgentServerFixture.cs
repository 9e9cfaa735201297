namespace Loggia.IntegrationTests.Agent;

/// <summary>One real server shared by the agent tests of <see cref="AgentServerGroup"/>; each test uses its own job label.</summary>
public sealed class AgentServerFixture : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("loggia-agent-server-").FullName;
    private ServerProcess? _server;

    internal ServerProcess Server => _server ?? throw new InvalidOperationException("the server is not started");

    public string Url => $"http://127.0.0.1:{Server.Port}";

    /// <summary>The server rejects lines longer than this (a 400 the agent must drop and count, then go on).</summary>
    public const int ServerMaxLineBytes = 16 * 1024;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_data, ServerProcess.FreePort(), $"-distributor.max-line-size={ServerMaxLineBytes}");

    public Task DisposeAsync()
    {
        _server?.Dispose();
        Directory.Delete(_data, recursive: true);
        return Task.CompletedTask;
    }
}
