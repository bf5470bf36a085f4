package io.ringmem.ring;

import java.util.concurrent.CompletableFuture;

/**
 * A rank's two links in a ring of {@link #size()} ranks: it sends to rank {@code (rank + 1) % size} and receives
 * from rank {@code (rank - 1 + size) % size}.
 *
 * <p>Contract: blocks arrive in the order they were sent (FIFO per link). At most one {@link #receivePrev()} may be
 * pending at a time. A send completes when the block has been handed to the transport (the caller may start the
 * next step); it does not mean the peer has processed it. Failures (peer gone, timeout) complete the futures
 * exceptionally. Implementations: {@link InMemoryRing} (ranks as threads of one JVM); a TCP one lives with the
 * worker.
 */
public interface RingChannel extends AutoCloseable {
    int rank();

    int size();

    CompletableFuture<Void> sendNext(KvBlock block);

    CompletableFuture<KvBlock> receivePrev();

    @Override
    void close();
}
