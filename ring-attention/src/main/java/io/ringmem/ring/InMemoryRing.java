package io.ringmem.ring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * P connected {@link RingChannel}s for ranks running as threads of one JVM. A link is a queue; sends complete at
 * once (the block is shared, not copied) and receives wait on a virtual thread, so a rank computing on block s
 * already has block s+1 in flight. Close the ring to stop pending receives.
 */
public final class InMemoryRing implements AutoCloseable {
    private final List<BlockingQueue<KvBlock>> inboxes = new ArrayList<>(); // inbox r is the link (r-1) → r
    private final List<RingChannel> channels = new ArrayList<>();
    private final ExecutorService receivers = Executors.newVirtualThreadPerTaskExecutor();

    public InMemoryRing(int size) {
        if (size <= 0) throw new IllegalArgumentException("ring size must be positive, got " + size);
        for (int r = 0; r < size; r++) inboxes.add(new LinkedBlockingQueue<>());
        for (int r = 0; r < size; r++) channels.add(new Channel(r, size));
    }

    public RingChannel channel(int rank) {
        return channels.get(rank);
    }

    public int size() {
        return channels.size();
    }

    @Override
    public void close() {
        receivers.shutdownNow();
    }

    private final class Channel implements RingChannel {
        private final int rank;
        private final int size;

        Channel(int rank, int size) {
            this.rank = rank;
            this.size = size;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public CompletableFuture<Void> sendNext(KvBlock block) {
            inboxes.get((rank + 1) % size).add(block);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<KvBlock> receivePrev() {
            BlockingQueue<KvBlock> inbox = inboxes.get(rank);
            KvBlock ready = inbox.poll();
            if (ready != null) return CompletableFuture.completedFuture(ready);
            CompletableFuture<KvBlock> f = new CompletableFuture<>();
            receivers.execute(() -> {
                try {
                    f.complete(inbox.take());
                } catch (InterruptedException e) {
                    f.completeExceptionally(new IllegalStateException("ring closed while rank " + rank + " waited"));
                }
            });
            return f;
        }

        @Override
        public void close() {
            // links are owned by the ring
        }
    }
}
