namespace Coven.Core;

/// <summary>Why a project root or working directory was refused.</summary>
public enum PathErrorKind
{
    /// <summary>Root missing, relative, not a directory, or unreadable.</summary>
    ProjectRootInvalid,

    /// <summary>The working directory resolves outside the project root.</summary>
    OutsideRoot,

    /// <summary>The working directory does not exist or is not a directory.</summary>
    WorkingDirectoryInvalid,
}
