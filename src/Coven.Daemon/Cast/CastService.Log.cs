using Coven.Daemon.Logging;

namespace Coven.Daemon.Cast;

internal sealed partial class CastService
{
    [LoggerMessage(EventId = EventIds.CastRan, Level = LogLevel.Information, Message = "cast {Kind} ran {Action}: {Status}")]
    private partial void LogCastRan(string kind, string action, int status);

    [LoggerMessage(EventId = EventIds.CastRefused, Level = LogLevel.Information, Message = "cast {Kind} mapped to {Action} was refused: {Status} {Code}")]
    private partial void LogCastRefused(string kind, string action, int status, string code);
}
