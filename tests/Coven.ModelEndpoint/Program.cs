using Coven.ModelEndpoint;

// Serves the scripted endpoint until stdin closes; prints its base address (http://127.0.0.1:PORT) first.
// Usage: dotnet Coven.ModelEndpoint.dll [--log requests.jsonl]
var log = args.Length == 2 && args[0] == "--log" ? args[1] : null;
await using var endpoint = await ScriptedModelEndpoint.StartAsync(log);
Console.WriteLine(endpoint.BaseAddress);
Console.Out.Flush();
await Console.In.ReadToEndAsync();
