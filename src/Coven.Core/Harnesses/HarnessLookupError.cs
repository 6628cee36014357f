namespace Coven.Core;

public enum HarnessLookupError
{
    /// <summary>Not built in and not registered: fail closed.</summary>
    Unknown,

    /// <summary>Known, but its executable is not installed.</summary>
    Unavailable,
}
