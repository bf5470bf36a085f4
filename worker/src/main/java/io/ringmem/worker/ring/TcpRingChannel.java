package io.ringmem.worker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.ringmem.RingmemException;
import io.ringmem.ring.KvBlock;
import io.ringmem.ring.RingChannel;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link RingChannel} over TCP: one rank of one {@link RingSession}, obtained from {@link RingServer#open}.
 *
 * <p><b>Contract.</b>
 * <ul>
 *   <li>{@link #sendNext} encodes the block on the calling thread (a bulk copy into a direct buffer) and writes it to
 *   a connection to the next rank's server, opened on the first send and reused; the connection first passes the
 *   key handshake (see {@link KvBlockFrames}), retried while the next rank refuses it (it may not have opened the
 *   session yet) until the step timeout. Its future completes when the frame
 *   was written to the socket, not when the peer received or processed it. Blocks arrive in the order of the
 *   {@code sendNext} calls. A block larger than the session's max frame size fails its send only.</li>
 *   <li>{@link #receivePrev} completes with the next block from the previous rank, in the order sent. At most one
 *   receive may be pending (a second throws {@link IllegalStateException}). A receive not satisfied within the step
 *   timeout fails with a timeout message; that alone does not end the session (a later receive gets the next
 *   block).</li>
 *   <li>With {@code size == 1} no connection is made: a sent block is queued for this rank's own receive, its arrays
 *   shared, not copied.</li>
 *   <li>{@link #close} sends END after the blocks already sent, then closes the outbound connection; it does not wait.
 *   A receive still pending fails; queued blocks are freed. Idempotent.</li>
 * </ul>
 *
 * <p><b>Failures.</b> The session <em>fails</em> — every pending and later send and receive completes exceptionally
 * with the same {@link RingmemException}, queued blocks are freed, and both neighbours are told with END(aborted)
 * before the connections close, so a failure travels around the ring both ways — when: the previous rank's
 * connection closes or resets before its END ("ring peer rank 2 (host:port) disconnected"), a neighbour aborts
 * ("ring peer rank 2 (host:port) aborted: reason", the reason being the first failure's), connecting to the next
 * rank fails or times out, the handshake with it does not pass within the step timeout, the inbound link is idle
 * past the server's idle timeout, a write fails, a send is not flushed within the step timeout, the next rank's
 * connection closes before this rank ended it, a malformed frame arrives, or {@link #abort} is called. Only the
 * first failure counts.
 *
 * <p><b>Not guaranteed.</b> Delivery of blocks whose send completed if the peer then dies; any retry or reconnection
 * (a failed session stays failed: retry with a new session id); flow control beyond TCP's (a receiver buffers what
 * arrives); which thread completes a future (often a Netty event loop: dependent actions must not block, use the
 * {@code *Async} variants for blocking work).
 */
public final class TcpRingChannel implements RingChannel {
    private static final System.Logger LOG = System.getLogger(TcpRingChannel.class.getName());

    private final RingServer server;
    private final RingSession session;
    private final Inbox inbox;
    private final EventLoop loop;
    private final Outbound outbound; // null when size == 1
    private final AtomicReference<RingmemException> failure = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    TcpRingChannel(RingServer server, RingSession session, Inbox inbox, EventLoop loop) {
        this.server = server;
        this.session = session;
        this.inbox = inbox;
        this.loop = loop;
        this.outbound = session.size() > 1 ? new Outbound(this, server, loop) : null;
    }

    @Override
    public int rank() {
        return session.rank();
    }

    @Override
    public int size() {
        return session.size();
    }

    public RingSession session() {
        return session;
    }

    /** The exception the session failed with, or null while it is healthy. */
    public RingmemException failure() {
        return failure.get();
    }

    @Override
    public CompletableFuture<Void> sendNext(KvBlock block) {
        Objects.requireNonNull(block, "block");
        RingmemException f = failure.get();
        if (f != null) return CompletableFuture.failedFuture(f);
        if (closed.get()) return CompletableFuture.failedFuture(closedException());
        if (outbound == null) {
            inbox.deliver(block);
            return CompletableFuture.completedFuture(null);
        }
        ByteBuf frame;
        try {
            frame = KvBlockFrames.encodeBlock(server.allocator(), block, server.maxFrameBytes(session));
        } catch (RingmemException e) {
            return CompletableFuture.failedFuture(e);
        }
        return outbound.send(frame);
    }

    @Override
    public CompletableFuture<KvBlock> receivePrev() {
        RingmemException f = failure.get();
        if (f != null) return CompletableFuture.failedFuture(f);
        if (closed.get()) return CompletableFuture.failedFuture(closedException());
        return inbox.receive(loop, session.stepTimeout(), session.prevRank());
    }

    /**
     * Fails the session with {@code reason}: pending futures fail, both neighbours get END(aborted, reason) and the
     * connections close, so they fail too. Does nothing after {@link #close} or an earlier failure.
     */
    public void abort(String reason) {
        if (closed.get()) return;
        fail(new RingmemException("ring session " + session.sessionId() + " aborted on rank " + session.rank() + ": "
                + reason), reason, true);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        if (failure.get() == null && outbound != null) outbound.end();
        inbox.release();
        server.release(inbox);
    }

    /**
     * Fails the session once (later calls do nothing).
     *
     * @param rootReason what neighbours are told (the first failure's message when this one only relays it); null
     *                   means {@code e.getMessage()}
     * @param notifyPeers false when this process is going away anyway (server close): connections just close
     */
    void fail(RingmemException e, String rootReason, boolean notifyPeers) {
        if (!failure.compareAndSet(null, e)) return;
        LOG.log(System.Logger.Level.DEBUG, "ring session {0} rank {1} failed: {2}", session.sessionId(), session.rank(), e.getMessage());
        String reason = rootReason != null ? rootReason : e.getMessage();
        inbox.failLocal(e);
        Channel in = inbox.release();
        if (in != null) {
            if (notifyPeers && in.isActive()) {
                in.writeAndFlush(KvBlockFrames.encodeEnd(in.alloc(), new KvBlockFrames.End(true, reason)))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                in.close();
            }
        }
        if (outbound != null) outbound.abort(e, reason, notifyPeers && !closed.get());
        server.release(inbox);
    }

    private RingmemException closedException() {
        return new RingmemException("ring session " + session.sessionId() + " is closed on rank " + session.rank());
    }

    /** "30 s", "0.25 s". */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms / 1000.0 + " s";
    }

    @Override
    public String toString() {
        return "TcpRingChannel[" + session.sessionId() + " rank " + session.rank() + "/" + session.size() + "]";
    }
}
