using System.Text;

namespace Coven.Terminal.Tests;

/// <summary>
/// Replays raw output of real programs recorded under tmux (Fixtures/record.sh) and compares the
/// screen with what tmux itself showed (`capture-pane -p`).
/// </summary>
public sealed class RecordedProgramTests
{
    private static readonly string FixtureDir = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>
    /// Lines where tmux's capture is known to differ from what a terminal shows, with the reason.
    /// Everything else must match exactly.
    /// </summary>
    private static readonly Dictionary<(string Fixture, int Line), (string Expected, string Reason)> TmuxQuirks = new()
    {
        [("unicode.100x30", 9)] = ("box: ┌───┐",
            "capture-pane -p prints DEC special graphics cells as their ASCII source letters (lqqqk); a terminal shows box drawing"),
    };

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var bin in Directory.GetFiles(FixtureDir, "*.bin").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(bin));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Replay_RecordedProgram_MatchesTmuxCapture(string fixture)
    {
        var (columns, rows) = ParseSize(fixture);
        var raw = File.ReadAllBytes(Path.Combine(FixtureDir, fixture + ".bin"));
        var expected = ExpectedLines(fixture, rows);

        var screen = new TerminalScreen(columns, rows);
        screen.Feed(raw);
        var actual = screen.Snapshot().Lines;

        var diff = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            if (!string.Equals(expected[i], actual[i], StringComparison.Ordinal))
            {
                diff.Append($"line {i}:\n  tmux: [{expected[i]}]\n  ours: [{actual[i]}]\n");
            }
        }

        Assert.True(diff.Length == 0, $"{fixture} differs from tmux:\n{diff}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Replay_RecordedProgramInRandomChunks_GivesSameScreenAsOneFeed(string fixture)
    {
        var (columns, rows) = ParseSize(fixture);
        var raw = File.ReadAllBytes(Path.Combine(FixtureDir, fixture + ".bin"));
        var whole = new TerminalScreen(columns, rows);
        whole.Feed(raw);

        var random = new Random(fixture.Length);
        var chunked = new TerminalScreen(columns, rows);
        for (int offset = 0; offset < raw.Length;)
        {
            int n = Math.Min(random.Next(1, 17), raw.Length - offset);
            chunked.Feed(raw.AsSpan(offset, n));
            offset += n;
        }

        Assert.Equal(whole.Snapshot(), chunked.Snapshot(), SnapshotComparer.Instance);
        Assert.Equal(whole.RenderAnsi(), chunked.RenderAnsi());
    }

    [Fact]
    public void Fixtures_AtLeastFourPrograms_ArePresent()
    {
        Assert.True(Fixtures().Count >= 4, "recorded fixtures are missing from the test output folder");
    }

    private static string[] ExpectedLines(string fixture, int rows)
    {
        var text = File.ReadAllText(Path.Combine(FixtureDir, fixture + ".txt"), Encoding.UTF8);
        var lines = text.Split('\n');
        var expected = new string[rows];
        for (int i = 0; i < rows; i++)
        {
            expected[i] = i < lines.Length ? lines[i].TrimEnd() : string.Empty;
            if (TmuxQuirks.TryGetValue((fixture, i), out var quirk))
            {
                expected[i] = quirk.Expected;
            }
        }

        return expected;
    }

    private static (int Columns, int Rows) ParseSize(string fixture)
    {
        var size = fixture[(fixture.LastIndexOf('.') + 1)..].Split('x');
        return (int.Parse(size[0]), int.Parse(size[1]));
    }

    private sealed class SnapshotComparer : IEqualityComparer<ScreenSnapshot>
    {
        public static readonly SnapshotComparer Instance = new();

        public bool Equals(ScreenSnapshot? x, ScreenSnapshot? y) =>
            x is not null && y is not null && x with { Lines = [] } == y with { Lines = [] } && x.Lines.SequenceEqual(y.Lines);

        public int GetHashCode(ScreenSnapshot obj) => obj.Columns;
    }
}
