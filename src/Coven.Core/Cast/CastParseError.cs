namespace Coven.Core.Cast;

/// <summary>Why a Cast Code did not parse: the 1-based column (in characters) and what was expected there.</summary>
public sealed record CastParseError(int Column, string Expected, string Message);
