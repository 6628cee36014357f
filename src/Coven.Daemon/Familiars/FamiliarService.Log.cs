using Coven.Daemon.Logging;

namespace Coven.Daemon.Familiars;

internal sealed partial class FamiliarService
{
    [LoggerMessage(EventId = EventIds.FamiliarDefined, Level = LogLevel.Information, Message = "familiar {Familiar} defined as harness {Harness}")]
    private partial void LogFamiliarDefined(string familiar, string harness);

    [LoggerMessage(EventId = EventIds.FamiliarRemoved, Level = LogLevel.Information, Message = "familiar {Familiar} removed")]
    private partial void LogFamiliarRemoved(string familiar);

    [LoggerMessage(EventId = EventIds.ActiveFamiliarSet, Level = LogLevel.Information, Message = "active familiar of {ProjectRoot} is now {Familiar}")]
    private partial void LogActiveFamiliarSet(string projectRoot, string familiar);
}
