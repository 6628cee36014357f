using System.Diagnostics.CodeAnalysis;
using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Api;
using Coven.Daemon.Familiars;
using Coven.Store;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Turns a launch request into a <see cref="LaunchPlan"/> or a typed <see cref="LaunchPlanError"/>: validation,
/// familiar resolution, harness lookup, path policy and the lane's launch spec. Nothing is written and nothing is
/// started; the only I/O is what the inputs inherently need (familiar rows, the executable search, the canonical
/// paths). <see cref="SessionService"/> then writes the row, starts the lane and attaches the monitor.
/// </summary>
internal static class LaunchPlanner
{
    public const int DefaultColumns = 120;
    public const int DefaultRows = 40;
    public const int MaxPromptChars = 256 * 1024;

    /// <summary>Linux's MAX_ARG_STRLEN (32 pages): execve refuses any one argv or environment string longer than this, NUL included.</summary>
    public const int MaxArgumentBytes = 32 * 4096;

    /// <summary>
    /// What the argv of a harness may take of ARG_MAX (2 MiB with the default 8 MiB stack): the rest is left to the
    /// environment the lane passes on. Each string costs its bytes, its NUL and its pointer.
    /// </summary>
    public const int MaxArgvBytes = 1024 * 1024;

    /// <summary>The checks that need no registry, store or file system; <see cref="TryPlan"/> runs them first too.</summary>
    public static LaunchPlanError? Validate(LaunchRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.ProjectRoot))
        {
            return LaunchPlanError.Invalid("projectRoot is required.");
        }

        if (string.IsNullOrWhiteSpace(request.Harness) && string.IsNullOrWhiteSpace(request.Familiar))
        {
            return LaunchPlanError.Invalid("harness (or familiar) is required.");
        }

        if (request.Cols is { } c && c is < 2 or > 1000 || request.Rows is { } r && r is < 2 or > 1000)
        {
            return LaunchPlanError.Invalid("cols and rows must be between 2 and 1000.");
        }

        if (request.Prompt is { Length: > MaxPromptChars } || request.Prompt?.Contains('\0', StringComparison.Ordinal) == true)
        {
            return LaunchPlanError.Invalid("prompt must be at most 256 KiB of text without NUL characters.");
        }

        if (request.Model?.Contains('\0', StringComparison.Ordinal) == true || request.Title?.Contains('\0', StringComparison.Ordinal) == true)
        {
            return LaunchPlanError.Invalid("model and title must not contain NUL characters.");
        }

        if (request.Environment is { } environment && InvalidEnvironment(environment) is { } badEnvironment)
        {
            return badEnvironment;
        }

        return null;
    }

    /// <summary>
    /// Plans a launch; with <paramref name="resume"/>, argv is the harness's resume arguments (see ResumeService).
    /// </summary>
    /// <param name="searchPath">The PATH the harness executable is looked up in (the daemon's own).</param>
    /// <param name="activityHook">coven-lane's absolute path: the native activity hook (docs/attention.md) is injected with it; null injects none.</param>
    public static bool TryPlan(
        LaunchRequest request,
        LaunchOverrides? resume,
        HarnessRegistry registry,
        FamiliarRepository familiars,
        string? searchPath,
        [NotNullWhen(true)] out LaunchPlan? plan,
        [NotNullWhen(false)] out LaunchPlanError? error,
        string? activityHook = null)
    {
        plan = null;
        error = Validate(request);
        if (error is not null)
        {
            return false;
        }

        var familiarName = resume?.Familiar;
        var extraArguments = resume?.ExtraArguments ?? [];
        var familiarWorktree = false;
        if (request.Familiar is { } familiarRequested)
        {
            if (FamiliarResolver.Resolve(familiars, registry, familiarRequested) is not { } familiar)
            {
                error = new LaunchPlanError(
                    LaunchPlanErrorKind.UnknownFamiliar,
                    ErrorCodes.UnknownHarness,
                    FamiliarResolver.UnknownFamiliarMessage(familiars, familiarRequested),
                    new() { ["familiar"] = ApiErrors.Printable(familiarRequested) });
                return false;
            }

            if (!string.IsNullOrWhiteSpace(request.Harness) && request.Harness != familiar.Harness)
            {
                error = new LaunchPlanError(
                    LaunchPlanErrorKind.FamiliarHarnessMismatch,
                    ErrorCodes.InvalidRequest,
                    $"harness '{ApiErrors.Printable(request.Harness)}' does not match familiar '{familiar.Name}', which uses '{familiar.Harness}'; send one of them.");
                return false;
            }

            request = request with { Harness = familiar.Harness, Model = string.IsNullOrEmpty(request.Model) ? familiar.Model : request.Model };
            familiarName = familiar.Name;
            extraArguments = familiar.Args;
            familiarWorktree = familiar.Worktree;
        }

        var callerEnvironment = request.Environment is { } sent ? WithoutInternals(sent) : null;
        var lookup = registry.Find(request.Harness, callerEnvironment?.GetValueOrDefault("PATH") ?? searchPath);
        if (!lookup.Ok)
        {
            error = lookup.Error == HarnessLookupError.Unknown
                ? new LaunchPlanError(LaunchPlanErrorKind.UnknownHarness, ErrorCodes.UnknownHarness, lookup.Message!, new() { ["harness"] = ApiErrors.Printable(request.Harness) })
                : new LaunchPlanError(LaunchPlanErrorKind.HarnessUnavailable, ErrorCodes.HarnessUnavailable, lookup.Message!, new() { ["harness"] = request.Harness });
            return false;
        }

        var harness = lookup.Harness!;

        // A resume continues the old session's own conversation when its id is known, else the latest one (ResumeService).
        var conversationId = resume is null ? harness.NewConversationId() : null;
        IReadOnlyList<string>? resumeArguments = null;
        if (resume is not null)
        {
            resumeArguments = harness.BuildResumeArguments(resume.ConversationId, extraArguments, out var latest);
            conversationId = latest ? null : resume.ConversationId;
        }

        if (resume is not null && resumeArguments is null)
        {
            error = new LaunchPlanError(
                LaunchPlanErrorKind.ResumeUnsupported,
                CastErrorCodes.ResumeUnsupported,
                $"harness '{harness.Id}' has no resume mechanism; register one with \"resumeArgs\" in harnesses.json.",
                new() { ["harness"] = harness.Id, ["sessionId"] = resume.ResumedFrom.Value });
            return false;
        }

        var paths = PathPolicy.Resolve(request.ProjectRoot, request.Cwd);
        if (!paths.Ok)
        {
            error = paths.Error switch
            {
                PathErrorKind.ProjectRootInvalid => new LaunchPlanError(LaunchPlanErrorKind.ProjectRootInvalid, ErrorCodes.ProjectRootInvalid, paths.Message!),
                PathErrorKind.OutsideRoot => new LaunchPlanError(LaunchPlanErrorKind.PathOutsideRoot, ErrorCodes.PathOutsideRoot, paths.Message!),
                _ => new LaunchPlanError(LaunchPlanErrorKind.WorkingDirectoryInvalid, ErrorCodes.InvalidRequest, paths.Message!),
            };
            return false;
        }

        var hookArguments = activityHook is null ? [] : ActivityHookArguments.Build(harness.ActivityHook, activityHook);
        var spec = new LaunchSpec
        {
            Executable = lookup.ExecutablePath!,
            Arguments = [.. hookArguments, .. resumeArguments ?? harness.BuildArguments(request.Prompt, request.Model, extraArguments, conversationId)],
            WorkingDirectory = paths.WorkingDirectory!,
            Environment = LaunchSpec.DefaultEnvironment,
            UnsetEnvironment = LaunchSpec.DefaultUnset,
            Columns = request.Cols ?? DefaultColumns,
            Rows = request.Rows ?? DefaultRows,
            Activity = new ActivitySettings
            {
                IdleAfterMs = harness.IdleAfterMs,
                WaitingPatterns = harness.WaitingPatterns,
                NativeSignals = activityHook is null && harness.ActivityHook != ActivityHookKind.None ? [] : harness.NativeActivities,
            },
        };
        if (ArgvTooLong(spec) is { } tooLong)
        {
            error = tooLong;
            return false;
        }

        plan = new LaunchPlan
        {
            Harness = harness,
            ProjectRoot = paths.ProjectRoot!,
            WorkingDirectory = paths.WorkingDirectory!,
            Spec = spec,
            Title = TitleFor(request, harness),
            Prompt = request.Prompt,
            Model = request.Model,
            Familiar = familiarName,
            ResumedFrom = resume?.ResumedFrom,
            ConversationId = conversationId,
            CallerEnvironment = callerEnvironment,
            FamiliarWorktree = familiarWorktree,
        };
        return true;
    }

    /// <summary>
    /// execve's limits, checked before anything is recorded: a launch the kernel would refuse with E2BIG
    /// ("Argument list too long") is a bad request, not a failed session.
    /// </summary>
    internal static LaunchPlanError? ArgvTooLong(LaunchSpec spec)
    {
        long total = 0;
        for (var i = -1; i < spec.Arguments.Count; i++)
        {
            var argument = i < 0 ? spec.Executable : spec.Arguments[i];
            var bytes = System.Text.Encoding.UTF8.GetByteCount(argument) + 1;
            if (bytes > MaxArgumentBytes)
            {
                return LaunchPlanError.Invalid(
                    $"argument {i + 1} of the harness command line is {bytes - 1} bytes; the kernel accepts at most {MaxArgumentBytes - 1} bytes per argument (MAX_ARG_STRLEN). Shorten the prompt or send it as input after the launch.",
                    new() { ["argument"] = i + 1, ["bytes"] = bytes - 1, ["limit"] = MaxArgumentBytes - 1 });
            }

            total += bytes + IntPtr.Size;
        }

        return total > MaxArgvBytes
            ? LaunchPlanError.Invalid(
                $"the harness command line is {total} bytes; at most {MaxArgvBytes} bytes are accepted (ARG_MAX leaves the rest to the environment).",
                new() { ["bytes"] = total, ["limit"] = MaxArgvBytes })
            : null;
    }

    /// <summary>Names that execve accepts (non-empty, no '=', no NUL), values without NUL, within MAX_ARG_STRLEN each.</summary>
    private static LaunchPlanError? InvalidEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        long total = 0;
        foreach (var (name, value) in environment)
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal) || value is null || value.Contains('\0', StringComparison.Ordinal))
            {
                return LaunchPlanError.Invalid($"environment: '{ApiErrors.Printable(name)}' is not a usable variable (names are non-empty without '=' or NUL; values are strings without NUL).");
            }

            var bytes = System.Text.Encoding.UTF8.GetByteCount(name) + 1 + System.Text.Encoding.UTF8.GetByteCount(value) + 1;
            if (bytes > MaxArgumentBytes)
            {
                return LaunchPlanError.Invalid($"environment: '{ApiErrors.Printable(name)}' is {bytes} bytes; the kernel accepts at most {MaxArgumentBytes} per variable (MAX_ARG_STRLEN).");
            }

            total += bytes + IntPtr.Size;
        }

        return total > MaxArgvBytes
            ? LaunchPlanError.Invalid($"environment is {total} bytes; at most {MaxArgvBytes} bytes are accepted (ARG_MAX).")
            : null;
    }

    /// <summary>The daemon's and lane's own settings are not the harness's business.</summary>
    internal static Dictionary<string, string> WithoutInternals(IReadOnlyDictionary<string, string> environment)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            if (!name.StartsWith("COVEN_", StringComparison.Ordinal))
            {
                kept[name] = value;
            }
        }

        return kept;
    }

    /// <summary>The request's title, else the prompt's first 60 characters on one line, else the harness label.</summary>
    public static string TitleFor(LaunchRequest request, HarnessDefinition harness)
    {
        if (!string.IsNullOrWhiteSpace(request.Title))
        {
            return request.Title.Trim();
        }

        if (string.IsNullOrWhiteSpace(request.Prompt))
        {
            return harness.Label;
        }

        var oneLine = string.Join(' ', request.Prompt.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return oneLine.Length <= 60 ? oneLine : oneLine[..57].TrimEnd() + "...";
    }
}
