using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Store.Tests;

public sealed class RetentionTests : IDisposable
{
    private const int Chunk = 64 * 1024;
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void A_20_MB_session_over_a_1_MB_cap_keeps_its_newest_megabyte_and_accounts_for_the_rest_byte_for_byte()
    {
        var s = _f.CreateSession();
        var other = _f.CreateSession();
        var all = new MemoryStream();
        var random = new Random(20);
        for (var i = 0; i < 320; i++)
        {
            // Text with escapes and one base64 event every 50, as the lane writes them.
            var bytes = new byte[Chunk];
            for (var j = 0; j < bytes.Length; j++)
            {
                bytes[j] = (byte)"abcdefghij \"\\\n\u001b"[random.Next(15)];
            }

            string payload;
            if (i % 50 == 7)
            {
                bytes[0] = 0xFF;
                payload = JsonSerializer.Serialize(new OutputPayload { DataBase64 = Convert.ToBase64String(bytes) }, CovenJsonContext.Default.OutputPayload);
            }
            else
            {
                payload = JsonSerializer.Serialize(new OutputPayload { Data = Encoding.UTF8.GetString(bytes) }, CovenJsonContext.Default.OutputPayload);
            }

            all.Write(bytes);
            _f.Store.Events.Append(s.Id, EventKinds.Output, payload);
            if (i % 40 == 0)
            {
                _f.Store.Events.Append(s.Id, EventKinds.Input, """{"data":"x"}""");
            }
        }

        _f.Store.Events.Append(other.Id, EventKinds.Output, """{"data":"small"}""");
        var total = all.Length;
        Assert.Equal(20L * 1024 * 1024, total);

        var settings = new RetentionSettings { MaxSessionOutputBytes = 1024 * 1024, MaxStoreBytes = 0, MinFreeDiskBytes = 0 };
        var plan = _f.Store.Retention.Plan(settings);
        var range = Assert.Single(plan);
        Assert.Equal(s.Id.Value, range.SessionId);
        Assert.Equal("session-cap", range.Reason);

        // A dry run changes nothing.
        Assert.Equal(320, _f.Store.Events.Page(s.Id, 0, 1000, EventKinds.Output).Count);

        var applied = Assert.Single(_f.Store.Retention.Apply(plan));
        var kept = Output(s.Id);
        Assert.True(kept.Length <= 1024 * 1024 && kept.Length > 1024 * 1024 - Chunk, $"kept {kept.Length}");
        Assert.Equal(all.ToArray().AsSpan((int)(total - kept.Length)).ToArray(), kept);

        var marker = Assert.Single(_f.Store.Events.Page(s.Id, 0, 1000, EventKinds.Truncated));
        var payloadOut = JsonSerializer.Deserialize(marker.PayloadJson, CovenJsonContext.Default.TruncatedPayload)!;
        Assert.Equal(total - kept.Length, payloadOut.DroppedBytes);
        Assert.Equal(applied.Bytes, payloadOut.DroppedBytes);
        Assert.Equal(range.FromSeq, marker.Seq);
        Assert.Equal(320 - (kept.Length / Chunk), payloadOut.Events);
        Assert.All(_f.Store.Events.Page(s.Id, 0, 1000, EventKinds.Output), e => Assert.True(e.Seq > payloadOut.ToSeq));

        // Input events in the range stay; the other session is untouched; nothing left to prune.
        Assert.Equal(8, _f.Store.Events.Page(s.Id, 0, 1000, EventKinds.Input).Count);
        Assert.Equal("small", Encoding.UTF8.GetString(Output(other.Id)));
        Assert.Empty(_f.Store.Retention.Plan(settings));
    }

    [Fact]
    public void Store_cap_prunes_whole_outputs_of_ended_sessions_oldest_first_never_live_ones()
    {
        var old = _f.CreateIn(SessionStatus.Finished);
        var newer = _f.CreateIn(SessionStatus.Finished);
        var live = _f.CreateIn(SessionStatus.Live);
        var payload = JsonSerializer.Serialize(new OutputPayload { Data = new string('x', 60_000) }, CovenJsonContext.Default.OutputPayload);
        foreach (var s in new[] { old, newer, live })
        {
            for (var i = 0; i < 20; i++)
            {
                _f.Store.Events.Append(s.Id, EventKinds.Output, payload);
            }
        }

        var (used, _) = _f.Store.Retention.Size();
        var settings = new RetentionSettings { MaxSessionOutputBytes = 0, MaxStoreBytes = used - 100_000, MinFreeDiskBytes = 0 };
        var range = Assert.Single(_f.Store.Retention.Plan(settings));
        Assert.Equal(old.Id.Value, range.SessionId);
        Assert.Equal("store-cap", range.Reason);
        Assert.Equal(20L * 60_000, range.Bytes);

        // The free-disk floor prunes the same way when the disk is short.
        var floor = _f.Store.Retention.Plan(new RetentionSettings { MaxSessionOutputBytes = 0, MaxStoreBytes = 0, MinFreeDiskBytes = 2_000_000 }, freeDiskBytes: 1_000_000);
        Assert.Equal([old.Id.Value], floor.Select(r => r.SessionId));
        Assert.Equal("disk-floor", floor[0].Reason);

        _f.Store.Retention.Apply([range]);
        Assert.Empty(_f.Store.Events.Page(old.Id, 0, 100, EventKinds.Output));
        Assert.Equal(20, _f.Store.Events.Page(live.Id, 0, 100, EventKinds.Output).Count);
        var (before, after) = _f.Store.Retention.Vacuum();
        Assert.True(after < before, $"vacuum: {before} -> {after}");
    }

    [Fact]
    public void Settings_file_is_parsed_and_a_bad_one_gives_the_defaults_with_an_error()
    {
        var parsed = RetentionSettings.Parse("""{ "maxSessionOutputBytes": 1048576, "maxAgeDays": 30, /* c */ }""");
        Assert.Equal(1048576, parsed.MaxSessionOutputBytes);
        Assert.Equal(30, parsed.MaxAgeDays);
        Assert.Equal(256L * 1024 * 1024, parsed.MinFreeDiskBytes);

        using var home = new Coven.TestSupport.TempDir();
        File.WriteAllText(home.Combine(RetentionSettings.FileName), """{ "maxStoreBytes": -1 }""");
        Assert.Same(RetentionSettings.Default, RetentionSettings.Load(home.Path, out var error));
        Assert.Contains("maxStoreBytes", error, StringComparison.Ordinal);
    }

    private byte[] Output(SessionId id)
    {
        var bytes = new MemoryStream();
        foreach (var e in _f.Store.Events.Page(id, 0, 10_000, EventKinds.Output))
        {
            bytes.Write(OutputPayload.Bytes(e.PayloadJson)!);
        }

        return bytes.ToArray();
    }
}
