using System.Net;
using Microsoft.Data.Sqlite;

namespace Coven.Daemon.Tests;

public sealed class InternalErrorTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task CorruptRow_Returns500InternalWithLoggedCorrelationId()
    {
        // A row no Coven wrote (unparsable timestamp) turns listing into a bug path: the answer must still be the envelope.
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_home.Home, "coven.db")}"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                INSERT INTO sessions (id, project_root, cwd, harness, title, status, created_at, updated_at)
                VALUES ('0193a5f0-0000-7000-8000-000000000001', '/tmp', '/tmp', 'codex', 't', 'finished', 'garbage', 'garbage');
                """;
            cmd.ExecuteNonQuery();
        }

        var r = await _daemon.Api.GetAsync("api/v1/sessions");
        Assert.Equal(HttpStatusCode.InternalServerError, r.Status);
        Assert.Equal("internal", r.ErrorCode);
        Assert.Equal("application/json", r.ContentType);
        var correlationId = r.Json.GetProperty("error").GetProperty("details").GetProperty("correlationId").GetString()!;
        Assert.False(string.IsNullOrEmpty(correlationId));
        var log = await File.ReadAllTextAsync(Path.Combine(_home.Home, "logs", "covend.log"));
        Assert.Contains(correlationId, log, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _daemon.Api.GetAsync("api/v1/health")).Status);
    }
}
