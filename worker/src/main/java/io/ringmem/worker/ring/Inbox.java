package io.ringmem.worker.ring;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.ringmem.RingmemException;
import io.ringmem.ring.KvBlock;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The receive side of one rank of one session on a {@link RingServer}: blocks from the previous rank, in arrival
 * order, and at most one pending receive. It exists from the first of (the previous rank's HELLO, the local
 * {@link RingServer#open}) until the session is closed, fails, or is dropped unopened.
 *
 * <p>Thread-safe: state is guarded by {@code this}; futures are completed outside the lock (on the calling thread,
 * usually a Netty event loop).
 */
final class Inbox {
    /** Key of a session's inbox on one server: the session id and the receiving rank. */
    record Key(String sessionId, int rank) {
    }

    private final Key key;
    private final long createdNanos = System.nanoTime();
    private final ArrayDeque<KvBlock> queue = new ArrayDeque<>();
    private CompletableFuture<KvBlock> pending;
    private ScheduledFuture<?> pendingTimeout;
    private RingmemException failure;
    private boolean peerEnded;
    private boolean released;
    private TcpRingChannel owner;
    private Channel inbound;
    private int peerRank = -1;
    private int peerRingSize;
    private String peerAddress;

    Inbox(Key key) {
        this.key = key;
    }

    Key key() {
        return key;
    }

    /** Outcome of {@link #connectInbound}. */
    enum Attach { ATTACHED, RELEASED, DUPLICATE }

    /** Records the previous rank's connection; checks it against the owner's session if already open. */
    Attach connectInbound(KvBlockFrames.Hello hello, Channel ch) {
        RingmemException mismatch;
        synchronized (this) {
            if (released) return Attach.RELEASED;
            if (inbound != null) return Attach.DUPLICATE;
            inbound = ch;
            peerRank = hello.senderRank();
            peerRingSize = hello.ringSize();
            peerAddress = hello.senderAddress().isBlank() ? String.valueOf(ch.remoteAddress()) : hello.senderAddress();
            mismatch = owner == null ? null : checkPeer(owner.session());
        }
        if (mismatch != null) failSession(mismatch, null);
        return Attach.ATTACHED;
    }

    /** Makes {@code ch} the owner; false if this inbox was released meanwhile (the caller takes a fresh one). */
    boolean attachOwner(TcpRingChannel ch) {
        RingmemException early;
        synchronized (this) {
            if (released) return false;
            if (owner != null) {
                throw new IllegalStateException("ring session " + key.sessionId() + " rank " + key.rank()
                        + " is already open on this server");
            }
            owner = ch;
            early = failure != null ? failure : inbound != null ? checkPeer(ch.session()) : null;
        }
        if (early != null) ch.fail(early, null, true);
        return true;
    }

    private RingmemException checkPeer(RingSession s) {
        if (peerRingSize == s.size() && peerRank == s.prevRank()) return null;
        return new RingmemException("ring session " + s.sessionId() + ": rank " + s.rank() + " of " + s.size()
                + " expected blocks from rank " + s.prevRank() + " but rank " + peerRank + " of a ring of " + peerRingSize
                + " connected from " + peerAddress);
    }

    /** Queues a block or hands it to the pending receive. Dropped once the inbox failed or was released. */
    void deliver(KvBlock block) {
        boolean front = false;
        while (true) {
            CompletableFuture<KvBlock> p;
            synchronized (this) {
                if (released || failure != null) return;
                p = takePending();
                if (p == null) {
                    if (front) queue.addFirst(block);
                    else queue.addLast(block);
                    return;
                }
            }
            if (p.complete(block)) return;
            front = true; // the receive was cancelled meanwhile: the block stays first in line
        }
    }

    /**
     * The next block; fails at once if the session failed, was released, or the peer ended it and nothing is
     * queued; otherwise fails after {@code timeout} (that failure does not end the session).
     */
    CompletableFuture<KvBlock> receive(EventExecutor timer, Duration timeout, int expectedPeer) {
        synchronized (this) {
            if (failure != null) return CompletableFuture.failedFuture(failure);
            if (released) return CompletableFuture.failedFuture(closedException());
            KvBlock ready = queue.pollFirst();
            if (ready != null) return CompletableFuture.completedFuture(ready);
            if (peerEnded) {
                return CompletableFuture.failedFuture(new RingmemException(peerName(expectedPeer) + " ended ring session "
                        + key.sessionId() + "; no more blocks will arrive"));
            }
            if (pending != null && !pending.isDone()) {
                throw new IllegalStateException("rank " + key.rank() + " already has a receive pending (at most one at a time)");
            }
            CompletableFuture<KvBlock> p = new CompletableFuture<>();
            pending = p;
            try {
                pendingTimeout = timer.schedule(() -> timeout(p, timeout, expectedPeer), timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RuntimeException e) { // event loop shut down
                pending = null;
                return CompletableFuture.failedFuture(new RingmemException("ring server closed while rank " + key.rank() + " waited"));
            }
            return p;
        }
    }

    private void timeout(CompletableFuture<KvBlock> p, Duration timeout, int expectedPeer) {
        synchronized (this) {
            if (pending != p) return;
            pending = null;
            pendingTimeout = null;
        }
        p.completeExceptionally(new RingmemException("ring rank " + key.rank() + " received no block from "
                + peerName(expectedPeer).substring("ring peer ".length()) + " within " + TcpRingChannel.seconds(timeout)
                + " (session " + key.sessionId() + ")"));
    }

    /** The peer sent END: orderly (no more blocks; a waiting receive fails) or aborted (the session fails). */
    void peerEnded(KvBlockFrames.End end) {
        if (end.aborted()) {
            failSession(new RingmemException(peerName(-1) + " aborted: " + end.reason()), end.reason());
            return;
        }
        CompletableFuture<KvBlock> p;
        synchronized (this) {
            peerEnded = true;
            p = takePending();
        }
        if (p != null) {
            p.completeExceptionally(new RingmemException(peerName(-1) + " ended ring session " + key.sessionId()
                    + " while rank " + key.rank() + " waited for a block"));
        }
    }

    /** The inbound connection closed or reset before END. */
    void peerLost() {
        failSession(new RingmemException(peerName(-1) + " disconnected"), null);
    }

    /** A protocol error on the inbound connection ({@code detail} says which). */
    void protocolError(String detail) {
        failSession(new RingmemException(peerName(-1) + ": " + detail + " (session " + key.sessionId() + ")"), null);
    }

    /** Fails the whole session: through the owner when open (which tells the neighbours), else remembered for open. */
    void failSession(RingmemException e, String rootReason) {
        TcpRingChannel o;
        synchronized (this) {
            o = owner;
        }
        if (o != null) o.fail(e, rootReason, true);
        else failLocal(e);
    }

    /** Fails the session without telling peers (this server is closing) and releases the inbox. */
    void failSessionQuietly(RingmemException e) {
        TcpRingChannel o;
        synchronized (this) {
            o = owner;
        }
        if (o != null) {
            o.fail(e, null, false);
        } else {
            failLocal(e);
            release();
        }
    }

    /** Records the failure, frees queued blocks and fails the pending receive. False if it already failed. */
    boolean failLocal(RingmemException e) {
        CompletableFuture<KvBlock> p;
        synchronized (this) {
            if (failure != null) return false;
            failure = e;
            queue.clear();
            p = takePending();
        }
        if (p != null) p.completeExceptionally(e);
        return true;
    }

    /** Marks the inbox closed, frees queued blocks, fails a pending receive; returns the inbound connection (or null). */
    Channel release() {
        CompletableFuture<KvBlock> p;
        Channel in;
        synchronized (this) {
            if (released) return null;
            released = true;
            queue.clear();
            p = takePending();
            in = inbound;
        }
        if (p != null) p.completeExceptionally(failure != null ? failure : closedException());
        return in;
    }

    /** Releases this inbox if nobody opened it within {@code ttlNanos}; returns the blocks it dropped, or -1. */
    synchronized int expireUnopened(long nowNanos, long ttlNanos) {
        if (owner != null || released || nowNanos - createdNanos < ttlNanos) return -1;
        released = true;
        int dropped = queue.size();
        queue.clear();
        return dropped;
    }

    synchronized Channel inbound() {
        return inbound;
    }

    /** The owner's session while open and healthy, else null. */
    synchronized RingSession openSession() {
        return owner != null && !released && failure == null ? owner.session() : null;
    }

    synchronized boolean isOpened() {
        return owner != null;
    }

    synchronized boolean isReleased() {
        return released;
    }

    /** "ring peer rank 2 (127.0.0.1:40123)"; rank {@code expectedPeer} "(not connected)" before its HELLO. */
    synchronized String peerName(int expectedPeer) {
        if (peerRank < 0) return "ring peer rank " + (expectedPeer >= 0 ? expectedPeer : "?") + " (not connected)";
        return "ring peer rank " + peerRank + " (" + peerAddress + ")";
    }

    private CompletableFuture<KvBlock> takePending() {
        CompletableFuture<KvBlock> p = pending;
        pending = null;
        if (pendingTimeout != null) pendingTimeout.cancel(false);
        pendingTimeout = null;
        return p;
    }

    private RingmemException closedException() {
        return new RingmemException("ring session " + key.sessionId() + " is closed on rank " + key.rank());
    }
}
