using Coven.Core;

namespace Coven.Store;

public sealed record SessionPage(IReadOnlyList<SessionRecord> Sessions, string? NextCursor);
