using System.Diagnostics.CodeAnalysis;

namespace Loggia.Core.Model;

/// <summary>
/// A validated tenant id (the <c>X-Scope-OrgID</c> header), following Grafana dskit's <c>tenant.ValidTenantID</c>,
/// which Loki uses: at most 150 bytes of <c>a-z A-Z 0-9 ! - _ . * ' ( )</c>, and not <c>.</c> or <c>..</c>.
/// </summary>
public readonly record struct TenantId
{
    /// <summary>The longest accepted tenant id, in bytes (dskit <c>MaxTenantIDLength</c>).</summary>
    public const int MaxLength = 150;

    /// <summary>The tenant used when authentication is off, as in Loki.</summary>
    public static readonly TenantId Fake = new("fake");

    private readonly string? _value;

    private TenantId(string value) => _value = value;

    /// <summary>The id (never null; <c>fake</c> for a default-constructed value).</summary>
    public string Value => _value ?? "fake";

    /// <summary>
    /// Validates <paramref name="value"/>. The checks and messages follow dskit, in its order: first an unsupported
    /// character (<c>tenant ID 'x/y' contains unsupported character '/'</c>), then the length
    /// (<c>tenant ID is too long: max 150 characters</c>), then <c>tenant ID is '.' or '..'</c>. An empty or missing
    /// id fails with <c>no org id</c>, dskit's message for a request without the header.
    /// </summary>
    public static bool TryCreate(string? value, out TenantId tenant, [NotNullWhen(false)] out string? error)
    {
        tenant = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "no org id";
            return false;
        }

        foreach (char c in value)
        {
            if (!IsAllowed(c))
            {
                error = $"tenant ID '{value}' contains unsupported character '{c}'";
                return false;
            }
        }

        // Every allowed character is ASCII, so the UTF-8 byte length equals the string length here.
        if (value.Length > MaxLength)
        {
            error = $"tenant ID is too long: max {MaxLength} characters";
            return false;
        }

        if (value is "." or "..")
        {
            error = "tenant ID is '.' or '..'";
            return false;
        }

        tenant = new TenantId(value);
        error = null;
        return true;
    }

    /// <summary>Validates or throws <see cref="ArgumentException"/>.</summary>
    public static TenantId Create(string value) =>
        TryCreate(value, out TenantId tenant, out string? error) ? tenant : throw new ArgumentException(error, nameof(value));

    /// <inheritdoc/>
    public override string ToString() => Value;

    private static bool IsAllowed(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '-' or '_' or '.' or '*' or '\'' or '(' or ')';
}
