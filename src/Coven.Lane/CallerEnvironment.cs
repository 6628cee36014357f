using System.Text.Json;

namespace Coven.Lane;

/// <summary>
/// The environment of the caller who launched the session (issue 13 item 5). The daemon sends it as one JSON object
/// on the lane's stdin, closed right after, and says so with <see cref="StdinFlag"/>: it never touches the disk, an
/// argv or the lane's own environment. Without the flag the harness gets the lane's (that is, the daemon's) environment.
/// </summary>
internal static class CallerEnvironment
{
    /// <summary>Set (to "1") in the lane's environment when an environment follows on stdin; a COVEN_* internal.</summary>
    public const string StdinFlag = "COVEN_LANE_ENV_STDIN";

    private const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>False with a reason when the daemon announced an environment that could not be read.</summary>
    public static bool TryRead(out Dictionary<string, string>? environment, out string error)
    {
        environment = null;
        error = string.Empty;
        if (Environment.GetEnvironmentVariable(StdinFlag) != "1")
        {
            return true;
        }

        try
        {
            using var stdin = Console.OpenStandardInput();
            using var buffer = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int n;
            while ((n = stdin.Read(chunk)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > MaxBytes)
                {
                    error = $"the caller's environment is larger than {MaxBytes} bytes";
                    return false;
                }
            }

            using var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = "the caller's environment is not a JSON object";
                return false;
            }

            environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    environment[property.Name] = property.Value.GetString()!;
                }
            }

            return true;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            error = "could not read the caller's environment from the daemon: " + e.Message;
            return false;
        }
    }
}
