using Coven.Core;

namespace Coven.Store.Tests;

public sealed class FamiliarRepositoryTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void UpsertGetListRemove_RoundTrip()
    {
        _f.Store.Familiars.Upsert(new Familiar { Name = "scout", Harness = "claude" });
        _f.Store.Familiars.Upsert(new Familiar { Name = "builder", Harness = "codex", Model = "gpt-x", Args = ["--full-auto", "a b"] });

        Assert.Equal(["builder", "scout"], _f.Store.Familiars.List().Select(f => f.Name));
        var builder = _f.Store.Familiars.Get("builder")!;
        Assert.Equal("gpt-x", builder.Model);
        Assert.Equal(["--full-auto", "a b"], builder.Args);

        _f.Store.Familiars.Upsert(builder with { Model = "gpt-y" });
        Assert.Equal("gpt-y", _f.Store.Familiars.Get("builder")!.Model);

        Assert.True(_f.Store.Familiars.Remove("builder"));
        Assert.Null(_f.Store.Familiars.Get("builder"));
    }

    [Fact]
    public void ActiveFamiliar_IsPerProjectRoot()
    {
        Assert.Null(_f.Store.Familiars.GetActive("/a"));

        _f.Store.Familiars.SetActive("/a", "scout");
        _f.Store.Familiars.SetActive("/b", "builder");
        _f.Store.Familiars.SetActive("/a", "codex");

        Assert.Equal("codex", _f.Store.Familiars.GetActive("/a"));
        Assert.Equal("builder", _f.Store.Familiars.GetActive("/b"));
    }

    [Fact]
    public void Remove_ActiveFamiliar_IsUnsetForEveryProject()
    {
        _f.Store.Familiars.Upsert(new Familiar { Name = "scout", Harness = "claude" });
        _f.Store.Familiars.SetActive("/a", "scout");
        _f.Store.Familiars.SetActive("/b", "codex");

        Assert.True(_f.Store.Familiars.Remove("scout"));

        Assert.Null(_f.Store.Familiars.GetActive("/a"));
        Assert.Equal("codex", _f.Store.Familiars.GetActive("/b"));
    }
}
