using System.Text.Json.Serialization;
using Coven.Core.Api;

namespace Coven.Core;

/// <summary>Source-generated JSON for every contract (AOT-safe, camelCase, nulls written as null).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UseStringEnumConverter = false,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(StoreHealth))]
[JsonSerializable(typeof(SessionDto))]
[JsonSerializable(typeof(SessionListResponse))]
[JsonSerializable(typeof(LaunchRequest))]
[JsonSerializable(typeof(InputRequest))]
[JsonSerializable(typeof(ResizeRequest))]
[JsonSerializable(typeof(KillRequest))]
[JsonSerializable(typeof(SacrificeRequest))]
[JsonSerializable(typeof(AcceptedResponse))]
[JsonSerializable(typeof(SacrificeResponse))]
[JsonSerializable(typeof(EventDto))]
[JsonSerializable(typeof(EventPage))]
[JsonSerializable(typeof(CapabilitiesResponse))]
[JsonSerializable(typeof(ActionRequest))]
[JsonSerializable(typeof(RitualScheduleDto))]
[JsonSerializable(typeof(RitualSelectorDto))]
[JsonSerializable(typeof(RitualScheduleRequest))]
[JsonSerializable(typeof(RitualSchedulesResponse))]
[JsonSerializable(typeof(RitualRunResponse))]
[JsonSerializable(typeof(ScreenDto))]
[JsonSerializable(typeof(WaitRequest))]
[JsonSerializable(typeof(WaitResponse))]
[JsonSerializable(typeof(SubmitResponse))]
[JsonSerializable(typeof(OutputPayload))]
[JsonSerializable(typeof(ExitPayload))]
[JsonSerializable(typeof(LifecyclePayload))]
[JsonSerializable(typeof(ResizePayload))]
[JsonSerializable(typeof(KillPayload))]
[JsonSerializable(typeof(ReattachedPayload))]
[JsonSerializable(typeof(TruncatedPayload))]
[JsonSerializable(typeof(LaunchSpec))]
[JsonSerializable(typeof(HarnessConfigFile))]
[JsonSerializable(typeof(FamiliarDto))]
[JsonSerializable(typeof(FamiliarsResponse))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string[]))]
public sealed partial class CovenJsonContext : JsonSerializerContext;
