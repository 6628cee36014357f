using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coven.Core;

/// <summary>
/// The JSON options of every contract and record document, one set for <see cref="CovenJsonContext"/> and
/// <see cref="RecordJsonContext"/> (attributes take constants): camelCase, nulls written as null, enums as numbers
/// unless a type says otherwise, strict reading (no trailing commas, no comments).
/// </summary>
internal static class JsonContractOptions
{
    public const JsonKnownNamingPolicy Naming = JsonKnownNamingPolicy.CamelCase;
    public const JsonIgnoreCondition Ignore = JsonIgnoreCondition.Never;
    public const bool StringEnums = false;
    public const bool TrailingCommas = false;
    public const JsonCommentHandling Comments = JsonCommentHandling.Disallow;
}
