package io.ringmem.bench;

import com.hazelcast.map.IMap;
import io.ringmem.store.KvBlockRecord;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.StoreMode;
import io.ringmem.store.hazelcast.HazelcastMemoryStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Put/get throughput of 4 MB float blocks through an IMap on a two-member loopback cluster in this JVM:
 * caller as embedded member vs as client, Kryo ({@link KvBlockRecord}) vs Hazelcast {@code DataSerializable}
 * ({@link HzBlockRecord}, same fields) vs a plain {@code byte[]} value (Hazelcast's built-in array
 * serializer). Ratios are against the first row measured in the same run. With backup count 1 every put also
 * copies the block to the other member. Single-threaded, sequential calls: this measures per-call cost, not
 * the cluster's aggregate bandwidth.
 *
 * <p>Run with {@code bin/ringmem bench store}.
 */
public final class StoreBenchmark {

    /**
     * Benchmark parameters.
     *
     * @param blockBytes payload bytes per block (a multiple of 4)
     * @param ops        timed puts, then as many timed gets, per scenario
     * @param warmupOps  untimed put+get pairs per scenario first
     */
    public record Options(int blockBytes, int ops, int warmupOps) {
        public Options {
            if (blockBytes < 4 || blockBytes % 4 != 0 || ops < 1 || warmupOps < 0) {
                throw new IllegalArgumentException("blockBytes multiple of 4, ops >= 1, warmupOps >= 0");
            }
        }
    }

    /**
     * One scenario's figures in MB/s (10^6 bytes of payload per second).
     *
     * @param putVsFirst put MB/s over the first scenario's (the baseline) in the same run
     * @param getVsFirst get MB/s over the first scenario's in the same run
     */
    public record Result(String name, double putMBps, double getMBps, double putVsFirst, double getVsFirst) {
        Result against(Result first) {
            return new Result(name, putMBps, getMBps, putMBps / first.putMBps(), getMBps / first.getMBps());
        }
    }

    private StoreBenchmark() {
    }

    /** Runs every scenario on a fresh loopback cluster and returns the figures; the first row is the baseline. */
    public static List<Result> run(Options o) {
        int[] ports = new int[] {freePort(), freePort()};
        while (ports[1] == ports[0]) ports[1] = freePort();
        List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        String cluster = "bench-" + Long.toHexString(System.nanoTime());
        KvBlockRecord block = floatBlock(o.blockBytes());
        List<Result> results = new ArrayList<>();
        try (HazelcastMemoryStore a = new HazelcastMemoryStore(memberConfig(cluster, ports[0], members));
             HazelcastMemoryStore b = new HazelcastMemoryStore(memberConfig(cluster, ports[1], members))) {
            a.awaitClusterSize(2, Duration.ofSeconds(30));
            b.awaitClusterSize(2, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + 30_000_000_000L; // let partition migration finish before timing
            while (!a.instance().getPartitionService().isClusterSafe() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            try (HazelcastMemoryStore client = new HazelcastMemoryStore(StoreConfig.builder(cluster)
                    .mode(StoreMode.CLIENT).members(members).loggingType("none").build())) {
                measure("warm-up", a, o, block, HzBlockRecord::new); // JIT, buffers; discarded
                for (HazelcastMemoryStore caller : List.of(a, client)) {
                    String who = caller == a ? "embedded" : "client";
                    results.add(measure(who + " / Hazelcast DataSerializable", caller, o, block, HzBlockRecord::new));
                    results.add(measure(who + " / Kryo", caller, o, block, r -> r));
                    results.add(measure(who + " / raw byte[]", caller, o, block, KvBlockRecord::payload));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return results.stream().map(r -> r.against(results.getFirst())).toList();
    }

    private static Result measure(String name, HazelcastMemoryStore caller, Options o, KvBlockRecord block,
                                  Function<KvBlockRecord, Object> wrap) {
        IMap<Integer, Object> map = caller.instance().getMap("bench");
        map.clear();
        Object value = wrap.apply(block);
        int keys = 8; // bounds memory: 8 blocks x (1 + backup)
        for (int i = 0; i < o.warmupOps(); i++) {
            map.set(i % keys, value);
            map.get(i % keys);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < o.ops(); i++) {
            map.set(i % keys, value);
        }
        long t1 = System.nanoTime();
        long sink = 0;
        for (int i = 0; i < o.ops(); i++) {
            sink += System.identityHashCode(map.get(i % keys)) & 1; // identity: KvBlockRecord.hashCode hashes 4 MB
        }
        long t2 = System.nanoTime();
        map.clear();
        double bytes = (double) o.blockBytes() * o.ops();
        return new Result(name + (sink < 0 ? "" : ""), bytes / ((t1 - t0) / 1e3), bytes / ((t2 - t1) / 1e3), 1, 1);
    }

    private static StoreConfig memberConfig(String cluster, int port, List<String> members) {
        return StoreConfig.builder(cluster).port(port).bindAddress("127.0.0.1").members(members)
                .loggingType("none").build();
    }

    /** A block whose payload is {@code bytes / 4} random floats, little-endian. */
    static KvBlockRecord floatBlock(int bytes) {
        Random r = new Random(42);
        ByteBuffer buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            buf.putFloat(r.nextFloat());
        }
        int tokens = 128;
        int[] positions = new int[tokens];
        for (int i = 0; i < tokens; i++) positions[i] = i;
        return new KvBlockRecord(tokens, positions, "f32", buf.array(), new float[0], System.currentTimeMillis());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
