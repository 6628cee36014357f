namespace Coven.Store;

public enum TransitionOutcome
{
    /// <summary>The transition was persisted (or was internal and needs no write).</summary>
    Applied,

    /// <summary>The machine does not permit the trigger in the current state.</summary>
    Rejected,

    /// <summary>No session with that id.</summary>
    NotFound,

    /// <summary>Another writer changed the status between the read and the compare-and-set.</summary>
    Conflict,
}
