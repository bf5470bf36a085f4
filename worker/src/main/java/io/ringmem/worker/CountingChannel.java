package io.ringmem.worker;

import io.ringmem.ring.KvBlock;
import io.ringmem.ring.RingChannel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link RingChannel} that counts the KV bytes it sends; everything else goes to the wrapped channel. */
final class CountingChannel implements RingChannel {
    private final RingChannel inner;
    private final AtomicLong sent = new AtomicLong();

    CountingChannel(RingChannel inner) {
        this.inner = inner;
    }

    RingChannel inner() {
        return inner;
    }

    long bytesSent() {
        return sent.get();
    }

    @Override
    public int rank() {
        return inner.rank();
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public CompletableFuture<Void> sendNext(KvBlock block) {
        sent.addAndGet(block.byteSize());
        return inner.sendNext(block);
    }

    @Override
    public CompletableFuture<KvBlock> receivePrev() {
        return inner.receivePrev();
    }

    @Override
    public void close() {
        inner.close();
    }
}
