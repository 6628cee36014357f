using Coven.Lane;

return await LaneHost.RunAsync(args, CancellationToken.None);
