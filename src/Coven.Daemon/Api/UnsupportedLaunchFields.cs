using System.Text.Json;
using Coven.Core.Api;

namespace Coven.Daemon.Api;

/// <summary>
/// Launch fields other runtimes define and Coven does not implement, where ignoring them would run something other
/// than what the client asked for: refused (fail closed) before anything is validated or spawned. Unknown fields
/// that change nothing stay ignored (docs/api-additions.md lists both).
/// </summary>
internal static class UnsupportedLaunchFields
{
    public static ApiResult? Check(LaunchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Present(request.ExecutionBinding))
        {
            return Refuse("executionBinding", "Coven always runs the harness in its own PTY on this machine; execution bindings are not implemented.");
        }

        if (Present(request.LaunchMode) && !(request.LaunchMode!.Value.ValueKind == JsonValueKind.String && request.LaunchMode.Value.ValueEquals("interactive")))
        {
            return Refuse("launchMode", "only \"interactive\" is implemented (a session is an interactive PTY); non-interactive launches are not.");
        }

        if (Present(request.LaunchPolicy))
        {
            return Refuse("launchPolicy", "launch policies are not implemented.");
        }

        return null;
    }

    private static bool Present(JsonElement? value) => value is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) };

    private static ApiResult Refuse(string field, string why) =>
        ApiResult.Error(400, ErrorCodes.InvalidRequest, $"{field} is not supported: {why}", new() { ["field"] = field });
}
