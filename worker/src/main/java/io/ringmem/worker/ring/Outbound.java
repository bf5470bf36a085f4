package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.ConnectTimeoutException;
import io.ringmem.RingmemException;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The link from one rank to the next for one session: a TCP connection opened on the first send, authenticated
 * with the session key ({@link ConnectorHandshake}) before any block, reused for every block, ended with END. A
 * handshake the next rank refuses or drops (it has not opened the session yet, or is over its connection caps) is
 * retried with a growing pause (25 ms to 500 ms) until the step timeout since the first try has passed. All state
 * is confined to one event loop, which also runs the connection,
 * so writes keep the order of {@link #send} calls.
 *
 * <p>A send's future completes when its frame was written to the socket. Any failure of the link (connect, write,
 * the peer closing or aborting) fails the whole session through {@link TcpRingChannel#fail}, which calls
 * {@link #abort}; sends not yet complete then fail with the session's exception.
 */
final class Outbound {
    private final TcpRingChannel owner;
    private final RingServer server;
    private final EventLoop loop;
    private final HostPort target;
    private final String peerName;
    // confined to loop
    private Channel channel;
    private boolean connected;
    private boolean ending;
    private long firstTryNanos;
    private int tries;
    private RingmemException failure;
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<Void>> queuedDone = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<Void>> unfinished = new ArrayDeque<>();

    Outbound(TcpRingChannel owner, RingServer server, EventLoop loop) {
        this.owner = owner;
        this.server = server;
        this.loop = loop;
        RingSession s = owner.session();
        this.target = HostPort.parse(s.nextAddress());
        this.peerName = "ring peer rank " + s.nextRank() + " (" + s.nextAddress() + ")";
    }

    /** Sends an encoded frame (ownership passes here); fails the session if not flushed within the step timeout. */
    CompletableFuture<Void> send(ByteBuf frame) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        RingSession s = owner.session();
        try {
            var timer = loop.schedule(() -> {
                if (!done.isDone()) {
                    owner.fail(new RingmemException("ring rank " + s.rank() + " could not send a block to rank " + s.nextRank()
                            + " (" + s.nextAddress() + ") within " + TcpRingChannel.seconds(s.stepTimeout())), null, true);
                }
            }, s.stepTimeout().toNanos(), TimeUnit.NANOSECONDS);
            done.whenComplete((v, e) -> timer.cancel(false));
            loop.execute(() -> send0(frame, done));
        } catch (RuntimeException e) { // event loop shut down
            frame.release();
            done.completeExceptionally(new RingmemException("ring server closed; rank " + s.rank() + " cannot send"));
        }
        return done;
    }

    private void send0(ByteBuf frame, CompletableFuture<Void> done) {
        if (failure != null || ending) {
            frame.release();
            done.completeExceptionally(failure != null ? failure : new RingmemException("ring session "
                    + owner.session().sessionId() + " is closed on rank " + owner.session().rank()));
            return;
        }
        unfinished.add(done);
        if (channel == null) connect();
        if (connected) {
            write(frame, done);
        } else {
            queued.add(frame);
            queuedDone.add(done);
        }
    }

    private void connect() {
        RingSession s = owner.session();
        if (tries++ == 0) firstTryNanos = System.nanoTime();
        CompletableFuture<Void> authenticated = new CompletableFuture<>();
        ChannelFuture cf = server.connect(loop, target, s, new LinkHandler(), authenticated);
        Channel ch = cf.channel();
        channel = ch;
        cf.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() && failure == null && channel == ch) {
                authenticated.cancel(false);
                owner.fail(new RingmemException("ring rank " + s.rank() + " cannot connect to the next rank " + s.nextRank()
                        + " at " + s.nextAddress() + ": " + describe(f.cause(), s)), null, true);
            }
        });
        authenticated.whenComplete((v, e) -> execute(() -> {
            if (channel != ch || (e != null && !tcpConnected(cf))) return;
            if (e != null) {
                retryOrFail(e);
                return;
            }
            connected = true;
            if (failure != null) {
                channel.close();
                return;
            }
            while (!queued.isEmpty()) write(queued.poll(), queuedDone.poll());
            if (ending) channel.writeAndFlush(KvBlockFrames.encodeEnd(channel.alloc(), KvBlockFrames.End.ORDERLY))
                    .addListener(ChannelFutureListener.CLOSE);
            channel.flush();
        }));
    }

    /** True if the TCP connection itself was made (a refused connect is reported by its own listener). */
    private static boolean tcpConnected(ChannelFuture cf) {
        return cf.isDone() && cf.isSuccess();
    }

    private void retryOrFail(Throwable e) {
        if (failure != null) return;
        RingSession s = owner.session();
        long pause = TimeUnit.MILLISECONDS.toNanos(Math.min(500, 25L << Math.min(tries, 5)));
        if (System.nanoTime() - firstTryNanos + pause < s.stepTimeout().toNanos()) {
            loop.schedule(() -> {
                if (failure == null) connect();
            }, pause, TimeUnit.NANOSECONDS);
            return;
        }
        owner.fail(new RingmemException("ring rank " + s.rank() + " could not authenticate with the next rank " + s.nextRank()
                + " at " + s.nextAddress() + " within " + TcpRingChannel.seconds(s.stepTimeout()) + " (" + tries + " tries; last: "
                + e.getMessage() + ")"), null, true);
    }

    private void write(ByteBuf frame, CompletableFuture<Void> done) {
        channel.writeAndFlush(frame).addListener((ChannelFutureListener) f -> {
            unfinished.remove(done);
            if (f.isSuccess()) {
                done.complete(null);
                return;
            }
            RingSession s = owner.session();
            RingmemException e = new RingmemException("ring rank " + s.rank() + " failed to send to the next rank "
                    + s.nextRank() + " (" + s.nextAddress() + "): " + describe(f.cause(), s));
            owner.fail(e, null, true);
            done.completeExceptionally(failure != null ? failure : e);
        });
    }

    /** Orderly end: END after every block already sent, then close. Nothing is sent if nothing was ever sent. */
    void end() {
        execute(() -> {
            if (failure != null || ending) return;
            ending = true;
            if (connected) {
                channel.writeAndFlush(KvBlockFrames.encodeEnd(channel.alloc(), KvBlockFrames.End.ORDERLY))
                        .addListener(ChannelFutureListener.CLOSE);
            } // connecting: the connect listener writes END after the queue; never connected: nothing to end
        });
    }

    /**
     * Fails unfinished sends with {@code e}; if {@code notifyPeer}, tells the next rank with END(aborted, reason)
     * (connecting first if this link never connected), then closes.
     */
    void abort(RingmemException e, String reason, boolean notifyPeer) {
        execute(() -> {
            if (failure != null) return;
            failure = e;
            while (!unfinished.isEmpty()) unfinished.poll().completeExceptionally(e);
            while (!queued.isEmpty()) queued.poll().release();
            queuedDone.clear();
            if (connected && notifyPeer && !ending) {
                channel.writeAndFlush(KvBlockFrames.encodeEnd(channel.alloc(), new KvBlockFrames.End(true, reason)))
                        .addListener(ChannelFutureListener.CLOSE);
            } else if (channel != null) {
                channel.close();
            } else if (notifyPeer && !ending) {
                abortOnly(reason);
            }
        });
    }

    /**
     * A short connection that only carries the handshake and END(aborted), so the next rank fails fast; retried like
     * a send's connection (the next rank may open the session later) for up to the connect timeout; errors ignored.
     */
    private void abortOnly(String reason) {
        long start = System.nanoTime();
        abortOnly(reason, start, 0);
    }

    private void abortOnly(String reason, long start, int attempt) {
        CompletableFuture<Void> authenticated = new CompletableFuture<>();
        ChannelFuture cf = server.connect(loop, target, owner.session(), new LinkHandler(), authenticated);
        channel = cf.channel();
        authenticated.whenComplete((v, e) -> {
            if (e == null) {
                cf.channel().writeAndFlush(KvBlockFrames.encodeEnd(cf.channel().alloc(), new KvBlockFrames.End(true, reason)))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            long pause = TimeUnit.MILLISECONDS.toNanos(Math.min(500, 25L << Math.min(attempt, 5)));
            if (tcpConnected(cf) && System.nanoTime() - start + pause < owner.session().connectTimeout().toNanos()) {
                execute(() -> loop.schedule(() -> abortOnly(reason, start, attempt + 1), pause, TimeUnit.NANOSECONDS));
            }
        });
    }

    private void execute(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
            return;
        }
        try {
            loop.execute(r);
        } catch (RuntimeException e) { // event loop shut down: its channels are closed already
        }
    }

    private static String describe(Throwable t, RingSession s) {
        if (t instanceof ConnectTimeoutException) return "connect timed out after " + TcpRingChannel.seconds(s.connectTimeout());
        String m = t.getMessage();
        if (m == null || m.isBlank()) return t.getClass().getSimpleName();
        int at = m.indexOf(": /"); // Netty appends the address to connect errors; the message names it already
        return t instanceof ConnectException && at > 0 ? m.substring(0, at) : m;
    }

    /** The next rank may only send END(aborted) back; its connection closing unasked means it is gone. */
    private final class LinkHandler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf buf) {
            KvBlockFrames.Frame f = KvBlockFrames.decode(buf);
            if (f instanceof KvBlockFrames.End(boolean aborted, String reason) && aborted) {
                owner.fail(new RingmemException(peerName + " aborted: " + reason), reason, true);
            } else {
                owner.fail(new RingmemException(peerName + " sent an unexpected " + f.getClass().getSimpleName()
                        + " frame back (session " + owner.session().sessionId() + ")"), null, true);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel && connected && !ending && failure == null) {
                owner.fail(new RingmemException(peerName + " disconnected"), null, true);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof IOException) && failure == null) { // I/O errors: channelInactive reports them
                owner.fail(new RingmemException(peerName + ": " + cause.getMessage()), null, true);
            }
            ctx.close();
        }
    }
}
