using System.Text.Json;
using Coven.Core;

namespace Coven.Lane;

/// <summary>
/// What the daemon hands a spare lane (<c>coven-lane --spare</c>): one JSON object on stdin, which the daemon closes
/// right after, <c>{"session": "&lt;id&gt;", "environment": {"NAME": "value", ...}}</c>. <c>environment</c> is the
/// caller's environment (issue 13 item 5), the harness's base instead of the lane's (the daemon's) own; absent or null
/// keeps the lane's. It never touches the disk, an argv or the lane's environment. A stdin closed with nothing on it
/// retires the spare: the daemon stopped or no longer wants it.
/// </summary>
internal sealed record SpareAssignment(SessionId Session, Dictionary<string, string>? Environment)
{
    private const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Blocks until the daemon writes the assignment and closes stdin. False with an empty <paramref name="error"/>
    /// when it closed stdin without one (retired); false with a reason when what arrived is not an assignment.
    /// </summary>
    public static bool TryRead(Stream stdin, out SpareAssignment? assignment, out string error)
    {
        assignment = null;
        error = string.Empty;
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int n;
            while ((n = stdin.Read(chunk)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > MaxBytes)
                {
                    error = $"the daemon's assignment is larger than {MaxBytes} bytes";
                    return false;
                }
            }

            if (buffer.Length == 0)
            {
                return false;
            }

            using var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("session", out var session) || session.ValueKind != JsonValueKind.String
                || !SessionId.TryParse(session.GetString(), out var id))
            {
                error = "the daemon's assignment has no valid session id";
                return false;
            }

            Dictionary<string, string>? environment = null;
            if (root.TryGetProperty("environment", out var env) && env.ValueKind != JsonValueKind.Null)
            {
                if (env.ValueKind != JsonValueKind.Object)
                {
                    error = "the caller's environment is not a JSON object";
                    return false;
                }

                environment = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in env.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        environment[property.Name] = property.Value.GetString()!;
                    }
                }
            }

            assignment = new SpareAssignment(id, environment);
            return true;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            error = "could not read the daemon's assignment: " + e.Message;
            return false;
        }
    }
}
