using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Handoff;
using Coven.Daemon.Sessions;

namespace Coven.Daemon.Cast;

/// <summary>The Cast Codes this daemon understands and the action each maps to (<c>GET /api/v1/cast-codes</c>).</summary>
internal static class CastCatalog
{
    public const string StatusAction = "sessions.list";
    public const string SessionStatusAction = "sessions.get";
    public const string SwitchAction = "familiars.switch";

    public static CastCatalogResponse Response { get; } = new(
        [
            new CastCodeInfoDto
            {
                Code = "~?",
                Kind = "status",
                Description = "Status of every live session of the project, grouped by familiar.",
                Action = StatusAction,
                Examples = ["~?"],
            },
            new CastCodeInfoDto
            {
                Code = "~?NAME",
                Kind = "status",
                Description = "Sessions of one familiar in the project, or one session by id prefix (a known familiar name wins over a prefix).",
                Action = StatusAction + " | " + SessionStatusAction,
                Examples = ["~?scout", "~?0193a5f0"],
            },
            new CastCodeInfoDto
            {
                Code = "~>NAME",
                Kind = "switch",
                Description = "Make NAME (a defined familiar or a harness id) the project's active familiar, used by `coven run` without a harness.",
                Action = SwitchAction,
                Examples = ["~>builder"],
            },
            new CastCodeInfoDto
            {
                Code = "~delegate:NAME TASK...",
                Kind = "delegate",
                Description = "Launch a session as familiar NAME in the project with TASK as the prompt.",
                Action = SessionActions.Launch,
                Examples = ["~delegate:scout find why CI is red"],
            },
            new CastCodeInfoDto
            {
                Code = "~broadcast * TEXT... | ~broadcast A,B TEXT...",
                Kind = "broadcast",
                Description = "Submit TEXT and Enter to every live session of the project, or only to those of the named familiars.",
                Action = SessionActions.Input,
                Examples = ["~broadcast * do not touch package.json", "~broadcast scout,builder rebase on main first"],
            },
            new CastCodeInfoDto
            {
                Code = "~^ resume [SESSION]",
                Kind = "resume",
                Description = "Resume the project's most recently ended session (or the one given) with the harness's own resume mechanism, as a new session linked by resumedFrom.",
                Action = ResumeService.Action,
                Examples = ["~^ resume", "~^ resume 0193a5f0"],
            },
            new CastCodeInfoDto
            {
                Code = "~<handoff [SESSION] [to:NAME]",
                Kind = "handoff",
                Description = "Build untrusted handoff context for a session (default: the project's newest); with to:NAME, launch NAME with it as the prompt.",
                Action = HandoffService.Action,
                Examples = ["~<handoff 0193a5f0", "~<handoff 0193a5f0 to:builder"],
            },
        ],
        "docs/cast-codes.md");
}
