namespace Loggia.IntegrationTests.Agent;

/// <summary>Polls a condition with a deadline instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> is true; fails with <paramref name="what"/> (and the agent's log) at the deadline.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, AgentProcess? agent = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}\nagent log:\n{agent?.Log}");
            await Task.Delay(50);
        }
    }
}
