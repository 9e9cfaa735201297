using Loggia.Core.Model;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>
/// Finds the tenant of a request as Loki does: from <c>X-Scope-OrgID</c> when auth is enabled
/// (a request without it is 401 <c>no org id</c>), and the single tenant <c>fake</c> when it is not.
/// </summary>
public sealed class TenantResolver(bool authEnabled)
{
    /// <summary>The header Loki clients send the tenant in.</summary>
    public const string HeaderName = "X-Scope-OrgID";

    /// <summary>Resolves the tenant, or returns false with the status and message to answer.</summary>
    public bool TryResolve(HttpRequest request, out TenantId tenant, out int statusCode, out string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        tenant = TenantId.Fake;
        statusCode = 0;
        error = null;
        if (!authEnabled)
        {
            return true;
        }

        var header = request.Headers[HeaderName];
        if (header.Count == 0 || string.IsNullOrEmpty(header[0]))
        {
            statusCode = StatusCodes.Status401Unauthorized;
            error = "no org id";
            return false;
        }

        if (!TenantId.TryCreate(header[0], out tenant, out var invalid))
        {
            statusCode = StatusCodes.Status400BadRequest;
            error = invalid;
            return false;
        }

        return true;
    }
}
