namespace Coven.Core.Cast;

/// <summary>The intents a Cast Code can express (docs/cast-codes.md).</summary>
public enum CastKind
{
    /// <summary><c>~?</c> or <c>~?NAME</c>: status of live sessions, of one familiar, or of one session.</summary>
    Status,

    /// <summary><c>~&gt;NAME</c>: make NAME the active familiar of the project.</summary>
    Switch,

    /// <summary><c>~delegate:NAME TASK...</c>: launch familiar NAME with TASK as the prompt.</summary>
    Delegate,

    /// <summary><c>~broadcast * TEXT</c> / <c>~broadcast A,B TEXT</c>: submit TEXT to live sessions.</summary>
    Broadcast,

    /// <summary><c>~^ resume [SESSION]</c>: resume an ended session with the harness's own mechanism.</summary>
    Resume,

    /// <summary><c>~&lt;handoff [SESSION] [to:NAME]</c>: build handoff context, optionally launching NAME with it.</summary>
    Handoff,
}
