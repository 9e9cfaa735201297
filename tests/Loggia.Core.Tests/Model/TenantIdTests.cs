using Loggia.Core.Model;

namespace Loggia.Core.Tests.Model;

public class TenantIdTests
{
    [Theory]
    [InlineData("fake")]
    [InlineData("team-a_b.c")]
    [InlineData("!*'()")]
    [InlineData("...")]
    [InlineData("A1")]
    public void TryCreate_AcceptsDskitCharacters(string value)
    {
        Assert.True(TenantId.TryCreate(value, out TenantId tenant, out string? error), error);
        Assert.Equal(value, tenant.Value);
    }

    [Theory]
    [InlineData("a/b", "tenant ID 'a/b' contains unsupported character '/'")]
    [InlineData("a b", "tenant ID 'a b' contains unsupported character ' '")]
    [InlineData("a|b", "tenant ID 'a|b' contains unsupported character '|'")]
    [InlineData("a:b", "tenant ID 'a:b' contains unsupported character ':'")]
    [InlineData("é", "tenant ID 'é' contains unsupported character 'é'")]
    [InlineData(".", "tenant ID is '.' or '..'")]
    [InlineData("..", "tenant ID is '.' or '..'")]
    [InlineData("", "no org id")]
    [InlineData(null, "no org id")]
    public void TryCreate_RejectsWithDskitMessages(string? value, string message)
    {
        Assert.False(TenantId.TryCreate(value, out _, out string? error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void TryCreate_LengthLimitIs150Bytes()
    {
        Assert.True(TenantId.TryCreate(new string('a', 150), out _, out _));
        Assert.False(TenantId.TryCreate(new string('a', 151), out _, out string? error));
        Assert.Equal("tenant ID is too long: max 150 characters", error);
    }

    [Fact]
    public void Default_IsFake()
    {
        Assert.Equal("fake", TenantId.Fake.Value);
        Assert.Equal("fake", default(TenantId).Value);
        Assert.Equal(TenantId.Fake, TenantId.Create("fake"));
    }
}
