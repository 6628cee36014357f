using Coven.ModelEndpoint;

// Serves the scripted endpoint until stdin closes (tests/bench/agent-bench.sh runs it this way).
// Usage: Coven.ModelEndpoint [--log requests.jsonl] [--homes DIR --projects DIR [--trust REPO]...]
// Prints "BASE=http://127.0.0.1:PORT" and, with --homes, the harness environment as NAME=value lines, then "READY".
string? log = null, homes = null, projects = null;
var trust = new List<string>();
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--log": log = args[i + 1]; break;
        case "--homes": homes = args[i + 1]; break;
        case "--projects": projects = args[i + 1]; break;
        case "--trust": trust.Add(args[i + 1]); break;
        default: Console.Error.WriteLine("unknown option " + args[i]); return 2;
    }
}

await using var endpoint = await ScriptedModelEndpoint.StartAsync(log);
Console.WriteLine("BASE=" + endpoint.BaseAddress);
if (homes is not null)
{
    var harnessHomes = new HarnessHomes(endpoint, homes, projects ?? homes);
    trust.ForEach(harnessHomes.Trust);
    foreach (var (name, value) in harnessHomes.Environment)
    {
        Console.WriteLine($"{name}={value}");
    }
}

Console.WriteLine("READY");
Console.Out.Flush();
await Console.In.ReadToEndAsync();
return 0;
