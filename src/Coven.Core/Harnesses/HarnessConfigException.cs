namespace Coven.Core;

/// <summary>The user's harnesses.json is invalid.</summary>
public sealed class HarnessConfigException : CovenException
{
    public HarnessConfigException(string message) : base(message)
    {
    }

    public HarnessConfigException()
    {
    }

    public HarnessConfigException(string message, Exception inner) : base(message, inner)
    {
    }
}
