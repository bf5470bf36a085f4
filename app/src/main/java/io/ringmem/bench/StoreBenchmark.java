package io.ringmem.bench;

import com.hazelcast.map.IMap;
import io.ringmem.store.BlockKey;
import io.ringmem.store.KvBlockRecord;
import io.ringmem.store.StoreConfig;
import io.ringmem.store.StoreMode;
import io.ringmem.store.crypto.ClusterSecret;
import io.ringmem.store.hazelcast.HazelcastMemoryStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Encryption's cost ({@link Encryption}): the same blocks through the store API ({@link HazelcastMemoryStore#put}
 * / {@link HazelcastMemoryStore#get}) of the embedded member, plain vs sealed with AES-256-GCM under a cluster secret,
 * in paired rounds that alternate which goes first (so drift of a loaded machine hits both alike); the ratio is
 * the median over rounds of sealed / plain.
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

    /**
     * Encryption's cost through the store API, paired: medians over {@code rounds} of each variant's MB/s and of the
     * per-round ratio sealed / plain (1.0 = free, 0.8 = 20% slower).
     */
    public record Encryption(String name, int rounds, double plainPutMBps, double sealedPutMBps, double plainGetMBps,
                             double sealedGetMBps, double putRatio, double getRatio) {
    }

    /** Every scenario's row (the first is the baseline), then the encryption comparison. */
    public record Report(List<Result> results, Encryption encryption) {
    }

    /** Paired rounds of the encryption comparison. */
    static final int ENCRYPTION_ROUNDS = 6;

    private StoreBenchmark() {
    }

    /** Runs every scenario on a fresh loopback cluster and returns the figures; the first row is the baseline. */
    public static Report run(Options o) {
        int[] ports = new int[] {freePort(), freePort()};
        while (ports[1] == ports[0]) ports[1] = freePort();
        List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        String cluster = "bench-" + Long.toHexString(System.nanoTime());
        KvBlockRecord block = floatBlock(o.blockBytes());
        List<Result> results = new ArrayList<>();
        Encryption encryption;
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
            encryption = encryption(cluster, a, o, block);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return new Report(results.stream().map(r -> r.against(results.getFirst())).toList(), encryption);
    }

    /** Plain vs AES-256-GCM through the store API of member {@code a}, alternating which variant runs first. */
    private static Encryption encryption(String cluster, HazelcastMemoryStore a, Options o, KvBlockRecord block) {
        ClusterSecret secret = ClusterSecret.of("store benchmark secret, not a real one");
        HazelcastMemoryStore plain = new HazelcastMemoryStore(storeView(cluster, "bench-plain", null), a.instance());
        HazelcastMemoryStore sealed = new HazelcastMemoryStore(storeView(cluster, "bench-sealed", secret), a.instance());
        double[][] p = new double[2][ENCRYPTION_ROUNDS], e = new double[2][ENCRYPTION_ROUNDS];
        storeRound(plain, o, block, true);
        storeRound(sealed, o, block, true);
        for (int r = 0; r < ENCRYPTION_ROUNDS; r++) {
            double[] x, y;
            if (r % 2 == 0) {
                x = storeRound(plain, o, block, false);
                y = storeRound(sealed, o, block, false);
            } else {
                y = storeRound(sealed, o, block, false);
                x = storeRound(plain, o, block, false);
            }
            p[0][r] = x[0];
            p[1][r] = x[1];
            e[0][r] = y[0];
            e[1][r] = y[1];
        }
        double[] putRatio = new double[ENCRYPTION_ROUNDS], getRatio = new double[ENCRYPTION_ROUNDS];
        for (int r = 0; r < ENCRYPTION_ROUNDS; r++) {
            putRatio[r] = e[0][r] / p[0][r];
            getRatio[r] = e[1][r] / p[1][r];
        }
        return new Encryption("embedded / store API: AES-256-GCM vs plain (paired, alternating)", ENCRYPTION_ROUNDS,
                median(p[0]), median(e[0]), median(p[1]), median(e[1]), median(putRatio), median(getRatio));
    }

    /** One round of {@code ops} puts then gets through the store API: {put MB/s, get MB/s}; a warm-up when asked. */
    private static double[] storeRound(HazelcastMemoryStore store, Options o, KvBlockRecord block, boolean warmUp) {
        int keys = 8;
        int n = warmUp ? Math.max(o.warmupOps(), 1) : o.ops();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) store.put(new BlockKey("bench", 0, 0, i % keys), block);
        long t1 = System.nanoTime();
        long sink = 0;
        for (int i = 0; i < n; i++) sink += store.get(new BlockKey("bench", 0, 0, i % keys)).orElseThrow().tokens();
        long t2 = System.nanoTime();
        store.deleteDocument("bench");
        double bytes = (double) o.blockBytes() * n + (sink < 0 ? 1 : 0);
        return new double[] {bytes / ((t1 - t0) / 1e3), bytes / ((t2 - t1) / 1e3)};
    }

    private static StoreConfig storeView(String cluster, String map, ClusterSecret secret) {
        return StoreConfig.builder(cluster).mapName(map).bindAddress("127.0.0.1").loggingType("none").secret(secret).build();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
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
