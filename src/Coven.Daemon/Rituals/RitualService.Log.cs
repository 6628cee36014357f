using Coven.Daemon.Logging;

namespace Coven.Daemon.Rituals;

internal sealed partial class RitualService
{
    [LoggerMessage(EventId = EventIds.RitualRan, Level = LogLevel.Information, Message = "Ritual schedule {ScheduleId} ({Ritual}) affected {Count} sessions")]
    private partial void LogRitualRan(string scheduleId, string ritual, int count);
}
