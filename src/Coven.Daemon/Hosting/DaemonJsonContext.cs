using System.Text.Json.Serialization;
using Coven.Daemon.Rituals;

namespace Coven.Daemon.Hosting;

/// <summary>Source-generated JSON for the daemon's own documents (not part of the public contract).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(DaemonInfoDocument))]
[JsonSerializable(typeof(DefaultRitualsFile))]
internal sealed partial class DaemonJsonContext : JsonSerializerContext;
