package io.ringmem.worker.ring;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.ringmem.RingmemException;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ring data plane of one worker process: a TCP server that accepts the connections of other ranks' channels and
 * routes their frames by session id (and receiving rank) to that session's inbox, plus the event loop group its
 * outgoing connections share. Sessions are opened with {@link #open}, which returns the rank's
 * {@link TcpRingChannel}.
 *
 * <p><b>Only ring members.</b> Every accepted connection must first pass the handshake of {@link KvBlockFrames}:
 * prove the key of a session that is open on this server ({@link AcceptorHandshake}). Until then it reads at most
 * one HELLO ({@link KvBlockFrames#HELLO_MAX_BYTES}) and nothing is buffered for it; a connection that fails the
 * handshake or misses {@link RingServerConfig#handshakeTimeout()} is closed and no session notices. At most
 * {@link RingServerConfig#maxUnauthenticated()} connections may be in the handshake and
 * {@link RingServerConfig#maxConnections()} accepted in all; more are closed on accept. After the handshake, frames
 * are bounded by the session's max frame size and an inbound link silent for {@link RingServerConfig#idleTimeout()}
 * fails its session. A connector whose handshake is refused (the next rank has not opened the session yet, or is
 * busy with strangers) retries until its step timeout.
 *
 * <p>An inbox can still exist before the local rank opens its session (a HELLO authenticated just before the session
 * closed); a session nobody opens within {@link RingServerConfig#unopenedSessionTtl()} is dropped: its blocks are
 * freed, the sender is told with END(aborted) and a warning is logged.
 *
 * <p>One event loop group ({@link RingServerConfig#ioThreads()} threads, daemon) serves every connection; nothing
 * blocks on it. {@link #close} closes every connection without telling peers (as a killed process would: they see
 * "disconnected"), fails the open sessions and stops the threads. Thread-safe.
 */
public final class RingServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RingServer.class.getName());

    private final RingServerConfig config;
    private final EventLoopGroup group;
    private final ChannelGroup connections;
    private final Channel serverChannel;
    private final HostPort bound;
    private final String advertised;
    private final Map<Inbox.Key, Inbox> sessions = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> sweeper;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger unauthenticated = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    private RingServer(RingServerConfig config) {
        this.config = config;
        RingAuth.warmUp(); // SecureRandom seeding and the HMAC provider load once here, not on a ring's first connection
        this.group = new MultiThreadIoEventLoopGroup(config.ioThreads(),
                new DefaultThreadFactory("ringmem-ring-io", true), NioIoHandler.newFactory());
        this.connections = new DefaultChannelGroup("ring-connections", group.next());
        try {
            ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            admit(ch);
                        }
                    });
            ChannelFuture f = b.bind(config.host(), config.port()).awaitUninterruptibly();
            if (!f.isSuccess()) {
                throw new RingmemException("cannot start the ring server on " + new HostPort(config.host(), config.port())
                        + ": " + f.cause().getMessage(), f.cause());
            }
            serverChannel = f.channel();
            connections.add(serverChannel);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        InetSocketAddress local = (InetSocketAddress) serverChannel.localAddress();
        this.bound = new HostPort(local.getAddress().getHostAddress(), local.getPort());
        this.advertised = new HostPort(config.advertiseHost() != null ? config.advertiseHost() : bound.host(), bound.port()).toString();
        long ttl = config.unopenedSessionTtl().toNanos();
        long period = Math.clamp(ttl / 4, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(5));
        this.sweeper = group.next().scheduleAtFixedRate(this::dropUnopened, period, period, TimeUnit.NANOSECONDS);
    }

    /** Starts a server with {@link RingServerConfig#of} defaults; port 0 picks a free port. */
    public static RingServer start(String host, int port) {
        return start(RingServerConfig.of(host, port));
    }

    /**
     * @throws RingmemException if the address cannot be bound (in use, not local)
     */
    public static RingServer start(RingServerConfig config) {
        return new RingServer(config);
    }

    /** {@code host:port} actually bound (the real port when 0 was asked). */
    public String address() {
        return bound.toString();
    }

    /** {@code host:port} to publish to other workers: the advertise host (else the bound host) and the bound port. */
    public String advertisedAddress() {
        return advertised;
    }

    public RingServerConfig config() {
        return config;
    }

    /**
     * Opens this worker's rank of a session: blocks the previous rank already sent are delivered from the start.
     *
     * @throws IllegalStateException if the same session id and rank is already open here, or the server is closed
     */
    public TcpRingChannel open(RingSession session) {
        if (closed.get()) throw new IllegalStateException("ring server " + address() + " is closed");
        Inbox.Key key = new Inbox.Key(session.sessionId(), session.rank());
        while (true) {
            Inbox inbox = sessions.computeIfAbsent(key, Inbox::new);
            TcpRingChannel ch = new TcpRingChannel(this, session, inbox, group.next());
            if (inbox.attachOwner(ch)) return ch;
            sessions.remove(key, inbox); // released meanwhile (dropped as unopened): take a fresh one
        }
    }

    /** Accepted connections now open (authenticated or not). */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** Accepted connections now in the handshake. */
    public int unauthenticatedConnections() {
        return unauthenticated.get();
    }

    /** Accepted connections closed so far for a failed or late handshake, or over a cap. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Sessions with buffered state that no local rank has opened yet. */
    public int unopenedSessions() {
        return (int) sessions.values().stream().filter(i -> !i.isOpened()).count();
    }

    /** Sessions opened here and not yet closed or failed. */
    public int openSessions() {
        return (int) sessions.values().stream().filter(Inbox::isOpened).count();
    }

    /**
     * Closes every connection and the listening socket, fails open sessions ("ring server ... closed") without
     * telling peers, and stops the event loops (waiting up to 5 s unless called from one). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        sweeper.cancel(false);
        RingmemException e = new RingmemException("ring server " + address() + " closed");
        for (Inbox inbox : sessions.values()) {
            inbox.failSessionQuietly(e);
        }
        sessions.clear();
        boolean onLoop = false;
        for (var loop : group) onLoop |= loop.inEventLoop(); // a callback closing the server must not wait on itself
        var closing = connections.close();
        var terminated = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (!onLoop) {
            closing.awaitUninterruptibly(5, TimeUnit.SECONDS);
            terminated.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ---- package-private plumbing for Inbox, InboundLink, Outbound, TcpRingChannel

    /** Counts an accepted connection against the caps and starts its handshake, or closes it if over a cap. */
    private void admit(SocketChannel ch) {
        int total = accepted.incrementAndGet(), strangers = unauthenticated.incrementAndGet();
        AtomicBoolean pending = new AtomicBoolean(true);
        Runnable authenticated = () -> {
            if (pending.getAndSet(false)) unauthenticated.decrementAndGet();
        };
        ch.closeFuture().addListener(f -> {
            accepted.decrementAndGet();
            authenticated.run();
        });
        if (total > config.maxConnections() || strangers > config.maxUnauthenticated()) {
            refused.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, "ring connection from " + ch.remoteAddress() + " refused: over the cap of "
                    + (total > config.maxConnections() ? config.maxConnections() + " connections"
                    : config.maxUnauthenticated() + " connections in the handshake"));
            ch.close();
            return;
        }
        connections.add(ch);
        if (config.tls() != null) ch.pipeline().addLast(config.tls().acceptor(ch.alloc())); // TLS first, the HMAC handshake inside
        ch.pipeline().addLast(new AcceptorHandshake(this, authenticated));
    }

    void handshakeRejected() {
        refused.incrementAndGet();
    }

    /** The session of (id, rank) if open here and healthy (its key checks a HELLO), else null. */
    RingSession openSession(String sessionId, int rank) {
        Inbox inbox = sessions.get(new Inbox.Key(sessionId, rank));
        return inbox == null ? null : inbox.openSession();
    }

    /** Routes an authenticated HELLO: the inbox of (session, receiving rank), created if nobody opened it yet; null if rejected. */
    Inbox inboundHello(KvBlockFrames.Hello hello, Channel ch) {
        if (closed.get()) return null;
        Inbox.Key key = new Inbox.Key(hello.sessionId(), (hello.senderRank() + 1) % hello.ringSize());
        while (true) {
            Inbox inbox = sessions.computeIfAbsent(key, Inbox::new);
            switch (inbox.connectInbound(hello, ch)) {
                case ATTACHED -> {
                    return inbox;
                }
                case RELEASED -> sessions.remove(key, inbox);
                case DUPLICATE -> {
                    inbox.failSession(new RingmemException("ring session " + hello.sessionId() + " rank " + key.rank()
                            + " got a second connection, from rank " + hello.senderRank() + " (" + hello.senderAddress() + ")"), null);
                    return null;
                }
            }
        }
    }

    void release(Inbox inbox) {
        sessions.remove(inbox.key(), inbox);
    }

    /**
     * Connects to {@code target} for {@code session}: the handshake runs first, {@code authenticated} completes when
     * it passed (or fails), then {@code handler} gets the frames the acceptor sends back.
     */
    ChannelFuture connect(EventLoop loop, HostPort target, RingSession session, ChannelHandler handler,
                          CompletableFuture<Void> authenticated) {
        Duration timeout = session.connectTimeout();
        Duration handshake = session.stepTimeout().compareTo(config.handshakeTimeout()) < 0
                ? session.stepTimeout() : config.handshakeTimeout();
        return new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        if (config.tls() != null) ch.pipeline().addLast(config.tls().connector(ch.alloc(), target));
                        ch.pipeline().addLast(new ConnectorHandshake(session, advertised, authenticated, handshake), handler);
                    }
                })
                .connect(target.host(), target.port());
    }

    ByteBufAllocator allocator() {
        return ByteBufAllocator.DEFAULT;
    }

    /** The largest frame {@code session} sends or accepts: its own bound (at least an END's), capped by the server's. */
    int maxFrameBytes(RingSession session) {
        if (session.maxFrameBytes() == 0) return config.maxFrameBytes();
        return Math.min(config.maxFrameBytes(), Math.max(session.maxFrameBytes(), KvBlockFrames.END_MAX_BYTES));
    }

    private void dropUnopened() {
        long now = System.nanoTime(), ttl = config.unopenedSessionTtl().toNanos();
        for (Inbox inbox : sessions.values()) {
            int dropped = inbox.expireUnopened(now, ttl);
            if (dropped < 0) continue;
            sessions.remove(inbox.key(), inbox);
            String reason = "ring session " + inbox.key().sessionId() + " was not opened for rank " + inbox.key().rank()
                    + " on " + advertised + " within " + TcpRingChannel.seconds(config.unopenedSessionTtl());
            LOG.log(System.Logger.Level.WARNING, reason + "; dropped it and " + dropped + " buffered blocks");
            Channel in = inbox.inbound();
            if (in != null && in.isActive()) {
                in.writeAndFlush(KvBlockFrames.encodeEnd(in.alloc(), new KvBlockFrames.End(true, reason)))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    @Override
    public String toString() {
        return "RingServer[" + address() + "]";
    }
}
