package io.ringmem.worker.ring;

import io.ringmem.RingmemException;
import io.ringmem.ring.RingChannel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/** P RingServers on 127.0.0.1, one per rank as separate workers would have, and helpers to run ranks on threads. */
final class TestRing implements AutoCloseable {
    final List<RingServer> servers = new ArrayList<>();

    TestRing(int ranks) {
        this(ranks, RingServerConfig.of("127.0.0.1", 0));
    }

    TestRing(int ranks, RingServerConfig config) {
        for (int r = 0; r < ranks; r++) servers.add(RingServer.start(config));
    }

    RingServer server(int rank) {
        return servers.get(rank);
    }

    String address(int rank) {
        return servers.get(rank).advertisedAddress();
    }

    RingSession session(String id, int rank, Duration stepTimeout) {
        int p = servers.size();
        return new RingSession(id, rank, p, address((rank + 1) % p), stepTimeout);
    }

    /** Opens every rank of session {@code id} on its own server. */
    List<TcpRingChannel> open(String id, Duration stepTimeout) {
        List<TcpRingChannel> chs = new ArrayList<>();
        for (int r = 0; r < servers.size(); r++) chs.add(server(r).open(session(id, r, stepTimeout)));
        return chs;
    }

    /** Runs {@code body(rank)} for every rank on its own platform thread and returns the results in rank order. */
    static <T> List<T> runRanks(int ranks, IntFunction<T> body) throws Exception {
        List<CompletableFuture<T>> fs = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            int rank = r;
            CompletableFuture<T> f = new CompletableFuture<>();
            Thread.ofPlatform().name("rank-" + r).start(() -> {
                try {
                    f.complete(body.apply(rank));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
            fs.add(f);
        }
        List<T> out = new ArrayList<>();
        for (CompletableFuture<T> f : fs) out.add(f.get(60, TimeUnit.SECONDS));
        return out;
    }

    /** The RingmemException {@code f} fails with (within 20 s). */
    static RingmemException failure(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(RingmemException.class, e.getCause());
        } catch (TimeoutException e) {
            fail("future neither completed nor failed within 20 s");
        }
        return fail("future completed normally");
    }

    static void closeAll(List<? extends RingChannel> chs) {
        for (RingChannel c : chs) c.close();
    }

    @Override
    public void close() {
        for (RingServer s : servers) s.close();
    }
}
