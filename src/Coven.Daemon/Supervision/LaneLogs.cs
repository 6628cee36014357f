namespace Coven.Daemon.Supervision;

/// <summary>Removal of <c>logs/lane-&lt;id&gt;.log</c> files (sacrifice and the sweep's retention).</summary>
internal static class LaneLogs
{
    /// <summary>Deletes the file; false when it was not there or could not be removed (the next sweep tries again).</summary>
    public static bool TryRemove(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
