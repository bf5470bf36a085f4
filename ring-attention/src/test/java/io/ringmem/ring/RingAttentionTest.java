package io.ringmem.ring;

import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kv.TokenSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ring attention over P threaded ranks against naive full attention on seeded random inputs. */
class RingAttentionTest {
    private static final double TOL = 2e-5;

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        int seed = 1;
        // heads, kvHeads, headDim, n (uneven lengths), ranks
        int[][] shapes = {{4, 4, 8, 37, 3}, {8, 2, 16, 64, 4}, {8, 1, 32, 29, 2}, {4, 2, 64, 50, 5}, {6, 3, 8, 7, 7},
                {8, 8, 128, 33, 2}, {2, 1, 16, 101, 8}};
        for (int[] s : shapes) {
            for (String kernels : List.of("scalar", "vector")) {
                for (ShardSchedule schedule : ShardSchedule.values()) {
                    for (boolean causal : new boolean[]{true, false}) {
                        a.add(Arguments.of(s[0], s[1], s[2], s[3], s[4], schedule, causal, kernels, seed++));
                    }
                }
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "H={0} KV={1} d={2} n={3} P={4} {5} causal={6} {7}")
    @MethodSource("cases")
    void ringEqualsNaiveFullAttention(int heads, int kvHeads, int d, int n, int ranks, ShardSchedule schedule,
                                      boolean causal, String kernelName, long seed) throws Exception {
        Random rnd = new Random(seed);
        float[] q = random(rnd, n * heads * d), k = random(rnd, n * kvHeads * d), v = random(rnd, n * kvHeads * d);
        float[] expected = NaiveAttention.attend(q, k, v, n, heads, kvHeads, d, causal);

        Kernels kernels = KernelsFactory.byName(kernelName, 2);
        AttentionShape shape = AttentionShape.of(heads, kvHeads, d);
        float[] actual = new float[n * heads * d];
        try (InMemoryRing ring = new InMemoryRing(ranks)) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                done.add(CompletableFuture.runAsync(() -> {
                    int[] pos = schedule.positions(rank, ranks, n);
                    float[] lq = TokenSelector.gather(q, pos, heads * d), lk = TokenSelector.gather(k, pos, kvHeads * d),
                            lv = TokenSelector.gather(v, pos, kvHeads * d);
                    float[] out = new float[pos.length * heads * d];
                    new RingAttention(kernels, shape, Duration.ofSeconds(30))
                            .attend(ring.channel(rank), new KvBlock(0, rank, pos, lk, lv), lq, pos, pos.length, causal, out);
                    for (int i = 0; i < pos.length; i++) {
                        System.arraycopy(out, i * heads * d, actual, pos[i] * heads * d, heads * d);
                    }
                }, Thread::startVirtualThread));
            }
            for (CompletableFuture<Void> f : done) f.get();
        }
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected[i], actual[i], TOL, "element " + i);
        }
    }

    static float[] random(Random rnd, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    @Test
    void schedulesCoverEveryPositionOnceAndZigzagBalancesCausalWork() {
        for (ShardSchedule s : ShardSchedule.values()) {
            for (int ranks = 1; ranks <= 8; ranks++) {
                for (int n : new int[]{ranks, ranks + 1, 2 * ranks - 1, 2 * ranks, 100, 4096}) {
                    boolean[] seen = new boolean[n];
                    for (int r = 0; r < ranks; r++) {
                        int[] pos = s.positions(r, ranks, n);
                        assertTrue(pos.length >= 1, s + " rank " + r + " of " + ranks + " empty for n=" + n);
                        for (int i = 0; i < pos.length; i++) {
                            if (i > 0) assertTrue(pos[i] > pos[i - 1], "ascending");
                            assertTrue(!seen[pos[i]], "position " + pos[i] + " twice");
                            seen[pos[i]] = true;
                        }
                    }
                    for (int i = 0; i < n; i++) assertTrue(seen[i], s + " misses position " + i);
                }
            }
        }
        // causal work of a rank = sum over its positions of (pos + 1); zigzag within 1% across ranks for n=4096, P=4
        long min = Long.MAX_VALUE, max = 0;
        for (int r = 0; r < 4; r++) {
            long w = 0;
            for (int p : ShardSchedule.ZIGZAG.positions(r, 4, 4096)) w += p + 1;
            min = Math.min(min, w);
            max = Math.max(max, w);
        }
        assertTrue(max - min <= max / 100, "zigzag imbalance " + min + " vs " + max);
        assertEquals(List.of(0, 1, 6, 7), box(ShardSchedule.ZIGZAG.positions(0, 2, 8)));
        assertEquals(List.of(2, 3, 4, 5), box(ShardSchedule.ZIGZAG.positions(1, 2, 8)));
    }

    private static List<Integer> box(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int x : a) l.add(x);
        return l;
    }
}
