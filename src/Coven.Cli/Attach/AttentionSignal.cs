using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Attach;

/// <summary>
/// What an attached terminal is told when its session starts waiting or goes idle (docs/attention.md): a bell (BEL)
/// and an OSC 9 notice (<c>ESC ] 9 ; text BEL</c>, shown as a desktop notification by terminals that know it, ignored
/// by the others). Neither moves the cursor or changes the screen.
/// </summary>
internal static class AttentionSignal
{
    /// <summary>The bytes for an <c>activity</c> event, or null when it is not one that needs the user.</summary>
    public static byte[]? For(EventDto evt, string? title)
    {
        if (evt.Kind != "activity")
        {
            return null;
        }

        ActivityPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(evt.PayloadJson, CovenJsonContext.Default.ActivityPayload);
        }
        catch (JsonException)
        {
            return null;
        }

        if (payload?.Activity is not (SessionActivity.Waiting or SessionActivity.Idle))
        {
            return null;
        }

        // OSC text ends at BEL or ESC: anything below a space (and DEL) is left out of the title.
        var name = new string([.. (title ?? "session").Where(c => c >= ' ' && c != '\u007f')]);
        var text = payload.Activity == SessionActivity.Waiting ? $"coven: {name} needs you" : $"coven: {name} is idle";
        return Encoding.UTF8.GetBytes("\a\e]9;" + text + "\a");
    }
}
