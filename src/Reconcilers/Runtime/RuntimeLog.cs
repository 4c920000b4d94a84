using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.Runtime;

static partial class RuntimeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "lease {Namespace}/{Name}: {Identity} became leader")]
    public static partial void BecameLeader(ILogger logger, string @namespace, string name, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "lease {Namespace}/{Name}: {Identity} lost leadership")]
    public static partial void LostLeadership(ILogger logger, string @namespace, string name, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "lease {Namespace}/{Name}: {Identity} released the lease")]
    public static partial void ReleasedLeadership(ILogger logger, string @namespace, string name, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "lease {Namespace}/{Name}: acquire/renew failed")]
    public static partial void LeaseError(ILogger logger, Exception exception, string @namespace, string name);
}
