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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ring data plane of one worker process: a TCP server that accepts the connections of other ranks' channels and
 * routes their frames by session id (and receiving rank) to that session's inbox, plus the event loop group its
 * outgoing connections share. Sessions are opened with {@link #open}, which returns the rank's
 * {@link TcpRingChannel}.
 *
 * <p>Frames may arrive before the local rank opens its session; they are buffered until it does. A session nobody
 * opens within {@link RingServerConfig#unopenedSessionTtl()} is dropped: its blocks are freed, the sender is told
 * with END(aborted) and a warning is logged. Buffering is bounded by that time only, not by bytes.
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

    private RingServer(RingServerConfig config) {
        this.config = config;
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
                            connections.add(ch);
                            ch.pipeline().addLast(KvBlockFrames.newFrameDecoder(config.maxFrameBytes()),
                                    new InboundLink(RingServer.this));
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

    /** Routes a HELLO: the inbox of (session, receiving rank), created if nobody opened it yet; null if rejected. */
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

    ChannelFuture connect(EventLoop loop, HostPort target, Duration timeout, ChannelHandler handler) {
        return new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(KvBlockFrames.newFrameDecoder(config.maxFrameBytes()), handler);
                    }
                })
                .connect(target.host(), target.port());
    }

    ByteBufAllocator allocator() {
        return ByteBufAllocator.DEFAULT;
    }

    int maxFrameBytes() {
        return config.maxFrameBytes();
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
