using Coven.Core.Api;
using Coven.Daemon.Api;

namespace Coven.Daemon.Screens;

/// <summary>A screen, or the API error that says why there is none right now.</summary>
internal readonly record struct ScreenRead(ScreenDto? Screen, ApiResult? Error);
