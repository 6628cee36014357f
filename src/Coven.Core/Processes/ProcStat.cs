namespace Coven.Core;

/// <summary>
/// The fields of /proc/&lt;pid&gt;/stat that Coven needs. The reader is shared source (src/Shared/Processes/ProcStat.cs,
/// linked into this assembly, Coven.Pty and the test support); this part makes Core's copy public.
/// </summary>
public readonly partial record struct ProcStat;
