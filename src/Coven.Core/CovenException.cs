namespace Coven.Core;

/// <summary>Base of Coven's small exception family: broken invariants and invalid configuration, not expected outcomes.</summary>
public class CovenException : Exception
{
    public CovenException()
    {
    }

    public CovenException(string message) : base(message)
    {
    }

    public CovenException(string message, Exception inner) : base(message, inner)
    {
    }
}
