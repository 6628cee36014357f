using System.Diagnostics.CodeAnalysis;

namespace Coven.Core.Cast;

/// <summary>Either a code or an error; the parser is total and never throws.</summary>
public sealed record CastParseResult
{
    public CastCode? Code { get; init; }
    public CastParseError? Error { get; init; }

    [MemberNotNullWhen(true, nameof(Code))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Code is not null;
}
