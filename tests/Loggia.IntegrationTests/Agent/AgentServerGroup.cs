namespace Loggia.IntegrationTests.Agent;

/// <summary>The agent test classes that share one <see cref="AgentServerFixture"/> (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class AgentServerGroup : ICollectionFixture<AgentServerFixture>
{
    public const string Name = "agent";
}
