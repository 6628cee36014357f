using Coven.Core;

namespace Coven.Store;

/// <summary>The store is unusable (schema too new, corrupt row): a broken invariant, not an expected outcome.</summary>
public sealed class StoreException : CovenException
{
    public StoreException()
    {
    }

    public StoreException(string message) : base(message)
    {
    }

    public StoreException(string message, Exception inner) : base(message, inner)
    {
    }
}
