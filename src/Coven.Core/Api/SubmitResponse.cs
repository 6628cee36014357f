using System.Text.Json.Serialization;

namespace Coven.Core.Api;

/// <summary>The answer of <c>POST /api/v1/sessions/{id}/input</c> with <c>"submit": true</c>.</summary>
public sealed record SubmitResponse
{
    public bool Accepted { get; init; } = true;

    /// <summary>The text went in as a bracketed paste (the program had enabled mode 2004).</summary>
    public bool BracketedPaste { get; init; }

    /// <summary>The visible screen differed from the one before the text was sent, within the bounded wait.</summary>
    public bool ScreenChanged { get; init; }

    /// <summary>
    /// Only when the store refused an input event of the submit (both writes were delivered): <c>true</c>; with
    /// <see cref="Recorded"/> false, <see cref="StoreError"/> and <see cref="Spilled"/> as for plain input.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Delivered { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Recorded { get; init; }

    /// <summary><c>store_busy</c> or <c>store_full</c>, when an input event was deferred.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StoreError { get; init; }

    /// <summary>Every deferred input event of the submit is also in covend's spill file (docs/daemon.md).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Spilled { get; init; }
}
