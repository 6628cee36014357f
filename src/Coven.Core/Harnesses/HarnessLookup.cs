namespace Coven.Core;

/// <summary>Result of looking a harness id up: the definition and its executable, or why it cannot be used.</summary>
public sealed record HarnessLookup
{
    public HarnessDefinition? Harness { get; init; }

    /// <summary>Absolute path of the executable, when found.</summary>
    public string? ExecutablePath { get; init; }

    public HarnessLookupError? Error { get; init; }
    public string? Message { get; init; }

    public bool Ok => Error is null;
}
