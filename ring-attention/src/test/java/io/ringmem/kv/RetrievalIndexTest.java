package io.ringmem.kv;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetrievalIndexTest {
    static final int HEADS = 8, KV_HEADS = 2, D = 16;

    /** Written independently of the index: per query head, its KV head's dot; max within groups; sum of groups. */
    static double naiveScore(float[] q, float[] mean) {
        int group = HEADS / KV_HEADS;
        double[] best = new double[KV_HEADS];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        for (int h = 0; h < HEADS; h++) {
            double dot = 0;
            for (int c = 0; c < D; c++) dot += (double) q[h * D + c] * mean[(h / group) * D + c];
            best[h / group] = Math.max(best[h / group], dot);
        }
        double s = 0;
        for (double b : best) s += b;
        return s;
    }

    static List<Long> bruteForce(List<BlockSummary> all, float[] q, int k) {
        List<BlockSummary> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.<BlockSummary>comparingDouble(s -> -naiveScore(q, s.meanKeys())).thenComparingLong(BlockSummary::blockId));
        return sorted.subList(0, Math.min(k, sorted.size())).stream().map(BlockSummary::blockId).toList();
    }

    private static List<Long> ids(List<RetrievalIndex.Hit> hits) {
        return hits.stream().map(RetrievalIndex.Hit::blockId).toList();
    }

    @Test
    void topKMatchesBruteForce() {
        Random rnd = new Random(77);
        RetrievalIndex index = new RetrievalIndex(HEADS, KV_HEADS, D);
        List<BlockSummary> all = new ArrayList<>();
        for (int b = 0; b < 60; b++) {
            int n = 1 + rnd.nextInt(40);
            long id = rnd.nextLong(1_000_000);
            if (b % 10 == 9) id = -id - 1; // negative ids too
            BlockSummary s = BlockSummary.of(id, KvTestData.gaussian(rnd, n * KV_HEADS * D), n, KV_HEADS, D);
            all.add(s);
            index.add(s);
        }
        // exact duplicates of a summary under other ids: ties broken by id
        for (long id : new long[]{5, -5, 3_000_000}) {
            BlockSummary s = new BlockSummary(id, KV_HEADS, D, all.get(7).meanKeys().clone());
            all.add(s);
            index.add(s);
        }
        assertEquals(63, index.size());
        for (int trial = 0; trial < 20; trial++) {
            float[] q = KvTestData.gaussian(rnd, HEADS * D);
            for (int k : new int[]{0, 1, 3, 63, 100}) {
                List<RetrievalIndex.Hit> hits = index.topK(q, k);
                assertEquals(bruteForce(all, q, k), ids(hits), "k=" + k);
                for (RetrievalIndex.Hit h : hits) {
                    float[] mean = all.stream().filter(s -> s.blockId() == h.blockId()).findFirst().orElseThrow().meanKeys();
                    assertEquals(naiveScore(q, mean), h.score(), 1e-9);
                }
            }
        }
        // force the duplicates to the top: a query equal to the duplicated mean, repeated over the group
        float[] q = new float[HEADS * D];
        for (int h = 0; h < HEADS; h++) System.arraycopy(all.get(7).meanKeys(), (h / 4) * D, q, h * D, D);
        assertEquals(bruteForce(all, q, 4), ids(index.topK(q, 4)));
        assertTrue(ids(index.topK(q, 4)).containsAll(List.of(-5L, 5L, 3_000_000L, all.get(7).blockId())));
    }

    /**
     * Segment-mode ids ({@code segment << 24 | block}, thousands of segments) in storage order, with scores that rise
     * along the document (every block displaces the current worst) and runs of exact ties: the top k still equals the
     * brute-force order for every k, and removal and duplicate detection work on those ids.
     */
    @Test
    void topKOverSegmentIdsWithRisingScoresAndTies() {
        Random rnd = new Random(79);
        RetrievalIndex index = new RetrievalIndex(HEADS, KV_HEADS, D, 100);
        List<BlockSummary> all = new ArrayList<>();
        float[] base = KvTestData.gaussian(rnd, KV_HEADS * D);
        for (int seg = 0; seg < 1500; seg++) {
            for (int b = 0; b < 4; b++) {
                float[] mean = base.clone();
                float scale = b == 3 ? 1 + (seg / 50) * 0.01f : 1 + seg * 0.001f; // block 3: ties within runs of 50
                for (int i = 0; i < mean.length; i++) mean[i] *= scale;
                BlockSummary s = new BlockSummary(((long) seg << 24) | b, KV_HEADS, D, mean);
                all.add(s);
                index.add(s);
            }
        }
        float[] q = new float[HEADS * D];
        for (int h = 0; h < HEADS; h++) System.arraycopy(base, (h / 4) * D, q, h * D, D); // scores rise with scale
        for (int k : new int[]{1, 2, 4, 7, 64, 6000, 6001}) assertEquals(bruteForce(all, q, k), ids(index.topK(q, k)), "k=" + k);
        float[] r = KvTestData.gaussian(rnd, HEADS * D);
        assertEquals(bruteForce(all, r, 16), ids(index.topK(r, 16)));

        long gone = (1234L << 24) | 2;
        assertTrue(index.remove(gone));
        assertFalse(index.remove(gone));
        all.removeIf(s -> s.blockId() == gone);
        assertEquals(5999, index.size());
        assertEquals(bruteForce(all, q, 64), ids(index.topK(q, 64)));
        BlockSummary again = all.get(4321);
        assertThrows(IllegalArgumentException.class, () -> index.add(again));
    }

    @Test
    void meanQueryAndRemoval() {
        Random rnd = new Random(78);
        RetrievalIndex index = new RetrievalIndex(HEADS, KV_HEADS, D);
        List<BlockSummary> all = new ArrayList<>();
        for (long id = 0; id < 20; id++) {
            BlockSummary s = BlockSummary.of(id, KvTestData.gaussian(rnd, 8 * KV_HEADS * D), 8, KV_HEADS, D);
            all.add(s);
            index.add(s);
        }
        int nq = 5;
        float[] qs = KvTestData.gaussian(rnd, nq * HEADS * D), mean = new float[HEADS * D];
        for (int i = 0; i < HEADS * D; i++) {
            double acc = 0;
            for (int t = 0; t < nq; t++) acc += qs[t * HEADS * D + i];
            mean[i] = (float) (acc / nq);
        }
        assertEquals(bruteForce(all, mean, 5), ids(index.topKMean(qs, nq, 5)));

        long top = index.topK(mean, 1).getFirst().blockId();
        assertTrue(index.remove(top));
        assertFalse(index.remove(top));
        all.removeIf(s -> s.blockId() == top);
        assertEquals(19, index.size());
        assertEquals(bruteForce(all, mean, 19), ids(index.topK(mean, 19)));
        assertThrows(IllegalArgumentException.class, () -> index.add(all.getFirst()));
    }

    @Test
    void summaryIsMeanKey() {
        Random rnd = new Random(79);
        int n = 33;
        float[] k = KvTestData.gaussian(rnd, n * KV_HEADS * D);
        BlockSummary s = BlockSummary.of(1, k, n, KV_HEADS, D);
        for (int c = 0; c < KV_HEADS * D; c++) {
            double acc = 0;
            for (int t = 0; t < n; t++) acc += k[t * KV_HEADS * D + c];
            assertEquals(acc / n, s.meanKeys()[c], 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> BlockSummary.of(1, k, 0, KV_HEADS, D));
        RetrievalIndex index = new RetrievalIndex(HEADS, KV_HEADS, D);
        assertThrows(IllegalArgumentException.class, () -> index.add(BlockSummary.of(2, k, n, 1, 2 * D)));
        assertThrows(IllegalArgumentException.class, () -> index.topK(new float[3], 1));
    }

    /** The four-at-a-time scan equals the one-by-one reference bit for bit, with mixed reps, ties, removals, any size. */
    @Test
    void interleavedScanEqualsOneByOneBitForBit() {
        Random rnd = new Random(17);
        for (int size = 0; size <= 13; size++) {
            for (int trial = 0; trial < 4; trial++) {
                RetrievalIndex index = new RetrievalIndex(HEADS, KV_HEADS, D);
                List<Long> added = new ArrayList<>();
                for (int b = 0; b < size + 2; b++) {
                    int reps = trial == 3 && b % 5 == 2 ? 3 : 1;
                    float[] m = new float[reps * KV_HEADS * D];
                    for (int i = 0; i < m.length; i++) m[i] = (float) rnd.nextGaussian();
                    if (b % 4 == 1 && b > 0) m = Arrays.copyOf(index.summaries().getFirst().meanKeys(), m.length); // a tie
                    long id = ((long) (b % 3) << 24) | (b * 7L);
                    index.add(new BlockSummary(id, KV_HEADS, D, m));
                    added.add(id);
                }
                index.remove(added.get(0));
                index.remove(added.get(added.size() / 2));
                float[] q = new float[HEADS * D];
                for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
                for (int k : new int[] {0, 1, 4, size + 5}) {
                    List<RetrievalIndex.Hit> fast = index.topK(q, k), ref = index.topKOneByOne(q, k);
                    assertEquals(ref.size(), fast.size());
                    for (int i = 0; i < ref.size(); i++) {
                        assertEquals(ref.get(i).blockId(), fast.get(i).blockId(), "rank " + i);
                        assertEquals(Double.doubleToRawLongBits(ref.get(i).score()), Double.doubleToRawLongBits(fast.get(i).score()),
                                "score bits at rank " + i);
                    }
                }
            }
        }
    }

    /** An index built over a list ranks as one built by add, refuses a repeated id, and still adds and removes. */
    @Test
    void overAListIsTheIndexBuiltByAdd() {
        Random rnd = new Random(5);
        List<BlockSummary> all = new ArrayList<>();
        RetrievalIndex added = new RetrievalIndex(HEADS, KV_HEADS, D);
        for (int b = 0; b < 37; b++) {
            float[] m = new float[KV_HEADS * D];
            for (int i = 0; i < m.length; i++) m[i] = (float) rnd.nextGaussian();
            BlockSummary s = new BlockSummary(((long) b << 24) | 3, KV_HEADS, D, m);
            all.add(s);
            added.add(s);
        }
        RetrievalIndex over = RetrievalIndex.over(HEADS, KV_HEADS, D, all);
        float[] q = new float[HEADS * D];
        for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
        assertEquals(added.topK(q, 5), over.topK(q, 5));
        assertTrue(over.remove(all.get(3).blockId()));
        assertFalse(over.remove(all.get(3).blockId()));
        assertThrows(IllegalArgumentException.class, () -> over.add(all.get(4)));
        assertEquals(36, over.size());
        List<BlockSummary> twice = new ArrayList<>(all);
        twice.add(all.get(9));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RetrievalIndex.over(HEADS, KV_HEADS, D, twice));
        assertTrue(e.getMessage().contains("already indexed"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalIndex.over(HEADS, KV_HEADS, D, List.of(new BlockSummary(1, 1, D, new float[D]))));
    }
}
