using Microsoft.Extensions.Logging;

namespace Loggia.Storage.Retention;

internal static partial class RetentionLog
{
    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Retention {Action} block {BlockId} of tenant {Tenant}: {RowsDeleted} entries deleted, {RowsKept} kept")]
    public static partial void Applied(ILogger logger, RetentionAction action, string blockId, string tenant, long rowsDeleted, long rowsKept);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Retention skipped block {BlockId} of tenant {Tenant}: {Reason}")]
    public static partial void Skipped(ILogger logger, string blockId, string tenant, string reason);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Retention could not delete {Path}: {Reason}")]
    public static partial void DeleteFailed(ILogger logger, string path, string reason);
}
