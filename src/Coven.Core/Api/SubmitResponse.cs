namespace Coven.Core.Api;

/// <summary>The answer of <c>POST /api/v1/sessions/{id}/input</c> with <c>"submit": true</c>.</summary>
public sealed record SubmitResponse
{
    public bool Accepted { get; init; } = true;

    /// <summary>The text went in as a bracketed paste (the program had enabled mode 2004).</summary>
    public bool BracketedPaste { get; init; }

    /// <summary>The visible screen differed from the one before the text was sent, within the bounded wait.</summary>
    public bool ScreenChanged { get; init; }
}
