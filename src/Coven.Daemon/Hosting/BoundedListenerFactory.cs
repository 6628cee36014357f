using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Coven.Daemon.Hosting;

/// <summary>
/// Kestrel's socket transport with a bound on accepted connections (issue 12 item 3). Kestrel's own
/// <c>MaxConcurrentConnections</c> accepts first and rejects afterwards on the thread pool, so a burst of connects
/// outruns it and accept() meets EMFILE. Here no accept is even attempted while <c>cap</c> accepted connections are
/// still open (until Kestrel has disposed them, which closes the socket): the rest wait in the listen backlog (or are
/// refused by the kernel once it is full), and the descriptors left below RLIMIT_NOFILE stay free for the lanes, the
/// store and the runtime. Hand-written because Kestrel has no such option.
/// </summary>
internal sealed class BoundedListenerFactory(IOptions<SocketTransportOptions> options, ILoggerFactory loggerFactory, long cap) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory inner = new(options, loggerFactory);

    public bool CanBind(EndPoint endpoint) => inner.CanBind(endpoint);

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        new BoundedListener(await inner.BindAsync(endpoint, cancellationToken), (int)Math.Min(cap, int.MaxValue));

    /// <summary>Accepts only while fewer than the cap of its connections are open.</summary>
    private sealed class BoundedListener(IConnectionListener inner, int cap) : IConnectionListener
    {
        private readonly SemaphoreSlim slots = new(cap, cap);
        private readonly CancellationTokenSource unbound = new();

        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                // Unbinding must end a wait for a slot, or Kestrel's stop waits for its accept loop forever.
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, unbound.Token);
                await slots.WaitAsync(either.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            ConnectionContext? connection;
            try
            {
                connection = await inner.AcceptAsync(cancellationToken);
            }
            catch
            {
                slots.Release();
                throw;
            }

            if (connection is null)
            {
                slots.Release();
                return null;
            }

            return new CountedConnection(connection, slots);
        }

        public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            await unbound.CancelAsync();
            await inner.UnbindAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            if (!unbound.IsCancellationRequested)
            {
                await unbound.CancelAsync();
            }

            await inner.DisposeAsync();
            unbound.Dispose();
            slots.Dispose();
        }
    }

    /// <summary>The transport's connection; gives its slot back once Kestrel has disposed it (socket closed).</summary>
    private sealed class CountedConnection(ConnectionContext inner, SemaphoreSlim slots) : ConnectionContext
    {
        private int released;

        public override string ConnectionId { get => inner.ConnectionId; set => inner.ConnectionId = value; }

        public override IFeatureCollection Features => inner.Features;

        public override IDictionary<object, object?> Items { get => inner.Items; set => inner.Items = value; }

        public override IDuplexPipe Transport { get => inner.Transport; set => inner.Transport = value; }

        public override CancellationToken ConnectionClosed { get => inner.ConnectionClosed; set => inner.ConnectionClosed = value; }

        public override EndPoint? LocalEndPoint { get => inner.LocalEndPoint; set => inner.LocalEndPoint = value; }

        public override EndPoint? RemoteEndPoint { get => inner.RemoteEndPoint; set => inner.RemoteEndPoint = value; }

        public override void Abort(ConnectionAbortedException abortReason) => inner.Abort(abortReason);

        public override void Abort() => inner.Abort();

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync();
                await base.DisposeAsync();
            }
            finally
            {
                if (Interlocked.Exchange(ref released, 1) == 0)
                {
                    try
                    {
                        slots.Release();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The listener is gone (shutdown): nothing left to bound.
                    }
                }
            }
        }
    }
}
