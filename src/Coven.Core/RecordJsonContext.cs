using System.Text.Json.Serialization;
using Coven.Core.Api;

namespace Coven.Core;

/// <summary>
/// Source-generated JSON for what lanes and the store record (event payloads, launch specs, terminal modes): a
/// context of its own so <c>coven-lane</c>, which records and serves no API, links none of <see cref="CovenJsonContext"/>'s
/// 70-odd contract types (their metadata was a fifth of the lane's code and a third of its start-up work; see
/// docs/benchmarks-cli.md). The options are <see cref="CovenJsonContext"/>'s (<see cref="JsonContractOptions"/>;
/// RecordJsonContextTests holds them equal), so a payload reads and writes the same through either.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonContractOptions.Naming,
    DefaultIgnoreCondition = JsonContractOptions.Ignore,
    UseStringEnumConverter = JsonContractOptions.StringEnums,
    AllowTrailingCommas = JsonContractOptions.TrailingCommas,
    ReadCommentHandling = JsonContractOptions.Comments)]
[JsonSerializable(typeof(LaunchSpec))]
[JsonSerializable(typeof(Coven.Terminal.TerminalModes))]
[JsonSerializable(typeof(OutputPayload))]
[JsonSerializable(typeof(ExitPayload))]
[JsonSerializable(typeof(LifecyclePayload))]
[JsonSerializable(typeof(ResizePayload))]
[JsonSerializable(typeof(KillPayload))]
[JsonSerializable(typeof(ReattachedPayload))]
[JsonSerializable(typeof(ActivityPayload))]
[JsonSerializable(typeof(TruncatedPayload))]
public sealed partial class RecordJsonContext : JsonSerializerContext;
