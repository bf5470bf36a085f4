package io.ringmem.worker.ring;

import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kv.TokenSelector;
import io.ringmem.ring.InMemoryRing;
import io.ringmem.ring.KvBlock;
import io.ringmem.ring.RingAttention;
import io.ringmem.ring.RingChannel;
import io.ringmem.ring.ShardSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Ring attention over TCP, every rank with its own RingServer on 127.0.0.1, against the same computation over
 * {@link InMemoryRing}: the results must be bit-identical (same kernels, same merge order, floats copied exactly).
 */
@Timeout(120)
class TcpRingAttentionTest {
    private static final int HEADS = 4, KV_HEADS = 2, HEAD_DIM = 16, LAYERS = 3;
    private static final AttentionShape SHAPE = AttentionShape.of(HEADS, KV_HEADS, HEAD_DIM);
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final Kernels KERNELS = KernelsFactory.byName("scalar", 1);

    @AfterAll
    static void closeKernels() {
        KERNELS.close();
    }

    /** Seeded inputs of a whole sequence for every layer: q (n, heads, headDim), k and v (n, kvHeads, headDim). */
    record Inputs(int n, float[][] q, float[][] k, float[][] v) {
        static Inputs random(long seed, int n) {
            Random rnd = new Random(seed);
            float[][] q = new float[LAYERS][], k = new float[LAYERS][], v = new float[LAYERS][];
            for (int l = 0; l < LAYERS; l++) {
                q[l] = gaussian(rnd, n * HEADS * HEAD_DIM);
                k[l] = gaussian(rnd, n * KV_HEADS * HEAD_DIM);
                v[l] = gaussian(rnd, n * KV_HEADS * HEAD_DIM);
            }
            return new Inputs(n, q, k, v);
        }
    }

    static float[] gaussian(Random rnd, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    /** One rank's outputs: per layer, out (nq, heads, headDim) then lse (nq, heads). */
    record RankResult(List<float[]> outs, List<float[]> lses) {
    }

    /** Every layer of one rank over {@code channel}, zigzag positions, in layer order. */
    static RankResult runRank(RingChannel channel, Inputs in, boolean causal) {
        int rank = channel.rank(), ranks = channel.size();
        int[] pos = ShardSchedule.ZIGZAG.positions(rank, ranks, in.n());
        RingAttention ring = new RingAttention(KERNELS, SHAPE, STEP);
        List<float[]> outs = new ArrayList<>(), lses = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            float[] lq = TokenSelector.gather(in.q()[l], pos, HEADS * HEAD_DIM);
            float[] lk = TokenSelector.gather(in.k()[l], pos, KV_HEADS * HEAD_DIM);
            float[] lv = TokenSelector.gather(in.v()[l], pos, KV_HEADS * HEAD_DIM);
            float[] out = new float[pos.length * HEADS * HEAD_DIM], lse = new float[pos.length * HEADS];
            ring.attend(channel, new KvBlock(l, rank, pos, lk, lv), lq, pos, pos.length, causal, out, lse);
            outs.add(out);
            lses.add(lse);
        }
        return new RankResult(outs, lses);
    }

    static List<RankResult> inMemory(int ranks, Inputs in, boolean causal) throws Exception {
        try (InMemoryRing ring = new InMemoryRing(ranks)) {
            return TestRing.runRanks(ranks, r -> runRank(ring.channel(r), in, causal));
        }
    }

    static void assertSame(List<RankResult> expected, List<RankResult> actual) {
        assertEquals(expected.size(), actual.size());
        for (int r = 0; r < expected.size(); r++) {
            for (int l = 0; l < LAYERS; l++) {
                assertArrayEquals(expected.get(r).outs().get(l), actual.get(r).outs().get(l), "out of rank " + r + " layer " + l);
                assertArrayEquals(expected.get(r).lses().get(l), actual.get(r).lses().get(l), "lse of rank " + r + " layer " + l);
            }
        }
    }

    @ParameterizedTest(name = "P={0} causal={1}")
    @CsvSource({"2, true", "3, true", "4, true", "3, false", "4, false"})
    void tcpRingIsBitIdenticalToInMemoryRing(int ranks, boolean causal) throws Exception {
        Inputs in = Inputs.random(1000 + ranks, 61);
        List<RankResult> expected = inMemory(ranks, in, causal);
        try (TestRing ring = new TestRing(ranks)) {
            List<TcpRingChannel> chs = ring.open("job-1/doc-0/seg-0/attempt-1", STEP);
            List<RankResult> actual = TestRing.runRanks(ranks, r -> runRank(chs.get(r), in, causal));
            TestRing.closeAll(chs);
            assertSame(expected, actual);
            for (TcpRingChannel ch : chs) assertEquals(null, ch.failure());
        }
    }

    @ParameterizedTest(name = "P={0}")
    @CsvSource({"2", "3"})
    void mutualTlsRingIsBitIdenticalToPlainTcp(int ranks, @TempDir Path dir) throws Exception {
        Inputs in = Inputs.random(2000 + ranks, 61);
        List<RankResult> plain;
        try (TestRing ring = new TestRing(ranks)) {
            List<TcpRingChannel> chs = ring.open("plain", STEP);
            plain = TestRing.runRanks(ranks, r -> runRank(chs.get(r), in, true));
            TestRing.closeAll(chs);
        }
        TestCerts ca = TestCerts.ca("ring-ca");
        List<RingServerConfig> configs = new ArrayList<>();
        for (int r = 0; r < ranks; r++) configs.add(RingServerConfig.of("127.0.0.1", 0).withTls(ca.issue(dir, "w" + r).tls()));
        try (TestRing ring = new TestRing(configs)) {
            List<TcpRingChannel> chs = ring.open("tls", STEP);
            List<RankResult> tls = TestRing.runRanks(ranks, r -> runRank(chs.get(r), in, true));
            TestRing.closeAll(chs);
            assertSame(plain, tls);
            for (TcpRingChannel ch : chs) assertEquals(null, ch.failure());
        }
    }

    @Test
    void singleRankRingWorksWithoutNetwork() throws Exception {
        Inputs in = Inputs.random(7, 20);
        List<RankResult> expected = inMemory(1, in, true);
        try (RingServer server = RingServer.start("127.0.0.1", 0);
             TcpRingChannel ch = server.open(new RingSession("solo", 0, 1, null, STEP, TestRing.key("solo")))) {
            assertSame(expected, List.of(runRank(ch, in, true)));
            // a rank of one may send to itself
            KvBlock b = new KvBlock(0, 0, new int[]{3}, new float[]{1, 2}, new float[]{3, 4});
            ch.sendNext(b).get();
            assertEquals(b, ch.receivePrev().get());
        }
    }

    @Test
    void concurrentSessionsOverTheSameServersDoNotMixBlocks() throws Exception {
        int ranks = 3;
        Inputs a = Inputs.random(11, 45), b = Inputs.random(12, 45);
        List<RankResult> expectedA = inMemory(ranks, a, true), expectedB = inMemory(ranks, b, true);
        try (TestRing ring = new TestRing(ranks)) {
            List<TcpRingChannel> chA = ring.open("job-2/doc-0/seg-0/attempt-1", STEP);
            List<TcpRingChannel> chB = ring.open("job-2/doc-1/seg-0/attempt-1", STEP);
            IntFunction<RankResult[]> both = r -> {
                CompletableFuture<RankResult> fa = CompletableFuture.supplyAsync(() -> runRank(chA.get(r), a, true),
                        task -> Thread.ofPlatform().start(task));
                RankResult rb = runRank(chB.get(r), b, true);
                return new RankResult[]{fa.join(), rb};
            };
            List<RankResult[]> results = TestRing.runRanks(ranks, both);
            TestRing.closeAll(chA);
            TestRing.closeAll(chB);
            assertSame(expectedA, results.stream().map(x -> x[0]).toList());
            assertSame(expectedB, results.stream().map(x -> x[1]).toList());
        }
    }
}
