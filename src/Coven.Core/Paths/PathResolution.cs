namespace Coven.Core;

/// <summary>A canonical project root and working directory, or why they were refused.</summary>
public sealed record PathResolution
{
    public string? ProjectRoot { get; init; }
    public string? WorkingDirectory { get; init; }
    public PathErrorKind? Error { get; init; }
    public string? Message { get; init; }

    public bool Ok => Error is null;

    internal static PathResolution Fail(PathErrorKind kind, string message) => new() { Error = kind, Message = message };
}
