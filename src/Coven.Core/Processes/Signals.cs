namespace Coven.Core;

/// <summary>
/// Linux signal numbers and their names. The table is shared source (src/Shared/Processes/Signals.cs, linked into
/// this assembly and into Coven.Pty); this part makes Core's copy public.
/// </summary>
public static partial class Signals;
