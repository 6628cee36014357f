using Coven.Lane;

// `coven-lane hook ...` is the native activity hook a harness runs (docs/attention.md); anything else is a lane.
return args is ["hook", ..]
    ? await ActivityHook.RunAsync(args[1..], CancellationToken.None)
    : await LaneHost.RunAsync(args, CancellationToken.None);
